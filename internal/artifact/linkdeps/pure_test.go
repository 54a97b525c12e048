package linkdeps

import (
	"slices"
	"strings"
	"testing"
)

func TestSymverLess(t *testing.T) {
	ordered := []string{
		"CXXABI_1.3", "CXXABI_1.3.9", "CXXABI_1.3.13",
		"GLIBCXX_3.4", "GLIBCXX_3.4.30", // byte order of prefixes: 'X' < '_'
		"GLIBC_2.2.5", "GLIBC_2.3", "GLIBC_2.17", "GLIBC_2.34", "GLIBC_PRIVATE",
	}
	for i, a := range ordered {
		for j, b := range ordered {
			if got := SymverLess(a, b); got != (i < j) {
				t.Errorf("SymverLess(%q, %q) = %v, want %v", a, b, got, i < j)
			}
		}
	}
}

func TestMaxVersionAndGlibcFloor(t *testing.T) {
	info := ELFInfo{
		Needed: []string{"libm.so.6", "libc.so.6", "libstdc++.so.6", "libz.so.1"},
		Versions: map[string][]string{
			"libc.so.6":      {"GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.32", "GLIBC_PRIVATE"},
			"libm.so.6":      {"GLIBC_2.2.5", "GLIBC_2.35"},
			"libstdc++.so.6": {"CXXABI_1.3.9", "GLIBCXX_3.4.30", "GLIBCXX_3.4"},
			"libz.so.1":      {"ZLIB_1.2.0"},
		},
	}
	tests := []struct{ lib, prefix, want string }{
		{"libc.so.6", "GLIBC_", "GLIBC_2.32"},
		{"libm.so.6", "GLIBC_", "GLIBC_2.35"},
		{"libstdc++.so.6", "GLIBCXX_", "GLIBCXX_3.4.30"},
		{"libstdc++.so.6", "CXXABI_", "CXXABI_1.3.9"},
		{"libstdc++.so.6", "GLIBC_", ""},
		{"libz.so.1", "ZLIB_", "ZLIB_1.2.0"},
		{"libnone.so.1", "GLIBC_", ""},
	}
	for _, tt := range tests {
		if got := info.MaxVersion(tt.lib, tt.prefix); got != tt.want {
			t.Errorf("MaxVersion(%s, %s) = %q, want %q", tt.lib, tt.prefix, got, tt.want)
		}
	}
	// libm asks for more than libc; both are glibc.
	if got := info.GlibcFloor(); got != "2.35" {
		t.Errorf("GlibcFloor() = %q, want 2.35", got)
	}
	if got := (ELFInfo{}).GlibcFloor(); got != "" {
		t.Errorf("GlibcFloor of nothing = %q", got)
	}
	if !(ELFInfo{}).Static() || info.Static() || (ELFInfo{Interp: "/lib/ld.so"}).Static() {
		t.Error("Static() wrong")
	}
}

func TestIsGlibc(t *testing.T) {
	yes := []string{"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2",
		"libnss_files.so.2", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "ld-linux-armhf.so.3", "ld-linux.so.2", "libmvec.so.1"}
	no := []string{"libz.so.1", "libcrypt.so.1", "libc.so.7", "libstdc++.so.6", "libgcc_s.so.1", "libcairo.so.2", "libcx.so.6"}
	for _, s := range yes {
		if !IsGlibc(s) {
			t.Errorf("IsGlibc(%q) = false", s)
		}
	}
	for _, s := range no {
		if IsGlibc(s) {
			t.Errorf("IsGlibc(%q) = true", s)
		}
	}
}

func TestSplitSoname(t *testing.T) {
	tests := []struct{ in, lib, ver string }{
		{"libz.so.1", "libz", "1"},
		{"libc.so.6", "libc", "6"},
		{"ld-linux-x86-64.so.2", "ld-linux-x86-64", "2"},
		{"libssl.so.3", "libssl", "3"},
		{"libicuuc.so.72.1", "libicuuc", "72.1"},
		{"libfoo-2.0.so", "libfoo", "2.0"},
		{"libgtk-3.so.0", "libgtk-3", "0"},
		{"libfoo.so", "", ""},
		{"foo", "", ""},
	}
	for _, tt := range tests {
		lib, ver, ok := SplitSoname(tt.in)
		if lib != tt.lib || ver != tt.ver || ok != (tt.lib != "") {
			t.Errorf("SplitSoname(%q) = %q, %q, %v; want %q, %q", tt.in, lib, ver, ok, tt.lib, tt.ver)
		}
	}
}

const libc6Shlibs = `ld-linux-x86-64 2 libc6 (>= 2.36)
libc 6 libc6 (>= 2.36)
libm 6 libc6 (>= 2.36)
udeb: libc 6 libc6-udeb (>= 2.36)
`

func TestParseShlibs(t *testing.T) {
	tests := []struct {
		description, data, soname string
		pkg, min                  string
		ok                        bool
	}{
		{"libc", libc6Shlibs, "libc.so.6", "libc6", "2.36", true},
		{"ld.so", libc6Shlibs, "ld-linux-x86-64.so.2", "libc6", "2.36", true},
		{"udeb lines ignored", "udeb: libz 1 zlib1g-udeb (>= 1:1.2.3.3.dfsg-1)\nlibz 1 zlib1g (>= 1:1.2.3.3.dfsg-1)\n", "libz.so.1", "zlib1g", "1:1.2.3.3.dfsg-1", true},
		{"comment and blank", "# comment\n\nlibcairo 2 libcairo2 (>= 1.2.4)\n", "libcairo.so.2", "libcairo2", "1.2.4", true},
		{"version mismatch", libc6Shlibs, "libc.so.7", "", "", false},
		{"no version", "libfoo 1 libfoo1\n", "libfoo.so.1", "libfoo1", "", true},
		{"arch qualifier", "libfoo 1 libfoo1:any (>= 2)\n", "libfoo.so.1", "libfoo1", "2", true},
		{"alternatives take the first", "libbar 0 libbar0 (>= 1.0) | libbar0-compat, libbaz\n", "libbar.so.0", "libbar0", "1.0", true},
		{"dash soname", "libfoo 2.0 libfoo2.0 (>= 2.0.1)\n", "libfoo-2.0.so", "libfoo2.0", "2.0.1", true},
		{"absent", libc6Shlibs, "libz.so.1", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			pkg, min, ok := ParseShlibs([]byte(tt.data), tt.soname)
			if pkg != tt.pkg || min != tt.min || ok != tt.ok {
				t.Errorf("ParseShlibs(%s) = %q, %q, %v; want %q, %q, %v", tt.soname, pkg, min, ok, tt.pkg, tt.min, tt.ok)
			}
		})
	}
}

func TestParseDpkgS(t *testing.T) {
	tests := []struct{ out, path, want string }{
		{"zlib1g:amd64: /lib/x86_64-linux-gnu/libz.so.1\n", "/lib/x86_64-linux-gnu/libz.so.1", "zlib1g:amd64"},
		{"libcairo2:amd64, libcairo2:arm64: /usr/lib/x86_64-linux-gnu/libcairo.so.2\n", "/usr/lib/x86_64-linux-gnu/libcairo.so.2", "libcairo2:amd64"},
		{"diversion by foo from: /usr/bin/x\ndiversion by foo to: /usr/bin/x.real\nbar: /usr/bin/x\n", "/usr/bin/x", "bar"},
		{"libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6.other\n", "/lib/x86_64-linux-gnu/libc.so.6", ""},
		{"", "/x", ""},
	}
	for _, tt := range tests {
		got, ok := parseDpkgS(tt.out, tt.path)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("parseDpkgS(%q) = %q, %v; want %q", tt.out, got, ok, tt.want)
		}
	}
}

func TestDebDepends(t *testing.T) {
	shlibs := map[string][2]string{
		"libc.so.6":            {"libc6", "2.36"},
		"libm.so.6":            {"libc6", "2.36"},
		"ld-linux-x86-64.so.2": {"libc6", "2.36"},
		"libz.so.1":            {"zlib1g", "1:1.2.3.3.dfsg-1"},
		"libcairo.so.2":        {"libcairo2", "1.2.4"},
		"libfoo.so.1":          {"libfoo1", ""},
	}
	resolve := func(soname string) (string, string, bool) {
		r, ok := shlibs[soname]
		return r[0], r[1], ok
	}
	tests := []struct {
		description string
		info        ELFInfo
		want        []string
		wantErr     string
	}{
		{
			description: "glibc floor from symbol versions, others from shlibs, sorted",
			info: ELFInfo{Needed: []string{"libz.so.1", "libcairo.so.2", "libc.so.6"},
				Versions: map[string][]string{"libc.so.6": {"GLIBC_2.2.5", "GLIBC_2.34"}, "libz.so.1": {"ZLIB_1.2.0"}}},
			want: []string{"libc6 (>= 2.34)", "libcairo2 (>= 1.2.4)", "zlib1g (>= 1:1.2.3.3.dfsg-1)"},
		},
		{
			description: "libm and libc merge into one libc6 with the higher floor",
			info: ELFInfo{Needed: []string{"libm.so.6", "libc.so.6", "ld-linux-x86-64.so.2"},
				Versions: map[string][]string{"libc.so.6": {"GLIBC_2.17"}, "libm.so.6": {"GLIBC_2.29"}}},
			want: []string{"libc6 (>= 2.29)"},
		},
		{
			description: "no GLIBC versions: the resolver's floor",
			info:        ELFInfo{Needed: []string{"libc.so.6"}},
			want:        []string{"libc6 (>= 2.36)"},
		},
		{
			description: "no version known",
			info:        ELFInfo{Needed: []string{"libfoo.so.1"}},
			want:        []string{"libfoo1"},
		},
		{description: "static", info: ELFInfo{}, want: []string{}},
		{
			description: "unknown libraries are named",
			info:        ELFInfo{Needed: []string{"libc.so.6", "libnope.so.1", "libgone.so.2"}},
			wantErr:     "libnope.so.1, libgone.so.2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got, err := DebDepends(tt.info, resolve)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("DebDepends = %v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("DebDepends = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSystemDLL(t *testing.T) {
	for _, s := range []string{"KERNEL32.dll", "msvcrt.dll", "ws2_32.dll", "bcryptprimitives.dll", "api-ms-win-crt-runtime-l1-1-0.dll", "ucrtbase.dll", "Advapi32.DLL"} {
		if !SystemDLL(s) {
			t.Errorf("SystemDLL(%q) = false", s)
		}
	}
	for _, s := range []string{"libstdc++-6.dll", "libgcc_s_seh-1.dll", "libwinpthread-1.dll", "zlib1.dll", "vcruntime140.dll", "msvcp140.dll", "kernel32.dll.evil"} {
		if SystemDLL(s) {
			t.Errorf("SystemDLL(%q) = true", s)
		}
	}
}
