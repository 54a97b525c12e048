package deb

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/target"
)

func TestDebianArch(t *testing.T) {
	tests := []struct {
		goos, goarch, goarm string
		want                string // "" means an error
	}{
		{"linux", "amd64", "", "amd64"},
		{"linux", "arm64", "", "arm64"},
		{"linux", "arm", "7", "armhf"},
		{"linux", "arm", "", "armhf"},
		{"linux", "arm", "7,hardfloat", "armhf"},
		{"linux", "arm", "6", "armhf"},
		{"linux", "arm", "5", "armel"},
		{"linux", "arm", "8", ""},
		{"linux", "386", "", "i386"},
		{"linux", "ppc64le", "", "ppc64el"},
		{"linux", "riscv64", "", "riscv64"},
		{"linux", "wasm", "", ""},
		{"windows", "amd64", "", ""},
		{"darwin", "arm64", "", ""},
	}
	for _, tt := range tests {
		got, err := target.PackageArch(target.Target{OS: tt.goos, Arch: tt.goarch, Variant: tt.goarm})
		if tt.want == "" {
			if err == nil || !strings.Contains(err.Error(), tt.goarch) {
				t.Errorf("DebianArch(%s, %s, %q) = %q, %v; want an error naming %s", tt.goos, tt.goarch, tt.goarm, got, err, tt.goarch)
			}
			continue
		}
		if got != tt.want || err != nil {
			t.Errorf("DebianArch(%s, %s, %q) = %q, %v; want %q", tt.goos, tt.goarch, tt.goarm, got, err, tt.want)
		}
		if !knownArch(got) {
			t.Errorf("DebianArch gives %q, which Write refuses", got)
		}
	}
}

// versionPairs are pairs with a < b, or a == b when equal is set.
var versionPairs = []struct {
	a, b  string
	equal bool
}{
	{"1.0", "1.0", true},
	{"1.0", "1.0-0", true},
	{"0:1.0", "1.0", true},
	{"1.0", "1.00", true},
	{"1.0~rc1", "1.0", false},
	{"1.0~~", "1.0~", false},
	{"1.0~", "1.0", false},
	{"1.0", "1.0a", false},
	{"1.0a", "1.0+", false},
	{"1.0+", "1.0.1", false},
	{"1.9", "1.10", false},
	{"2.2.5", "2.34", false},
	{"2.34", "2.36", false},
	{"1.2.13", "1:1.2.0", false},
	{"1:1.2.3.3.dfsg-1", "1:1.2.13.dfsg-1", false},
	{"1.0-1", "1.0-2", false},
	{"1.0-9", "1.0-10", false},
	{"1.0-1", "1.0.1-1", false},
	{"1.0-1~bpo1", "1.0-1", false},
	{"1.16.0-7", "1.16.0-7+deb12u1", false},
	{"2.36-9", "2.36-9+deb12u14", false},
	{"a", "b", false},
}

func TestCompareVersions(t *testing.T) {
	for _, tt := range versionPairs {
		want := -1
		if tt.equal {
			want = 0
		}
		if got := CompareVersions(tt.a, tt.b); got != want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, want)
		}
		if got := CompareVersions(tt.b, tt.a); got != -want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.b, tt.a, got, -want)
		}
	}
}

// TestCompareVersionsDpkg checks the table against dpkg itself.
func TestCompareVersionsDpkg(t *testing.T) {
	dpkg, err := exec.LookPath("dpkg")
	if err != nil {
		t.Skip("dpkg not installed; the table test covers CompareVersions")
	}
	for _, tt := range versionPairs {
		op := "lt"
		if tt.equal {
			op = "eq"
		}
		if err := exec.Command(dpkg, "--compare-versions", tt.a, op, tt.b).Run(); err != nil {
			t.Errorf("dpkg --compare-versions %s %s %s: %v (the table is wrong)", tt.a, op, tt.b, err)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	tests := []struct {
		v       string
		wantErr string
	}{
		{"1.0.0", ""},
		{"1.0.0-1", ""},
		{"1:1.0.0-1~bpo12+1", ""},
		{"1.0.0~rc.1+git.abc", ""},
		{"2.0-rc1-1", ""},
		{"v1.0.0", "start with a digit"},
		{"", "start with a digit"},
		{"1.0-", "revision"},
		{"a:1.0", "epoch"},
		{":1.0", "epoch"},
		{"1:2:3", "only one ':'"},
		{"1.0_1", "'_'"},
		{"1.0 1", "' '"},
		{"1.0-a_b", "revision"},
	}
	for _, tt := range tests {
		err := CheckVersion(tt.v)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("CheckVersion(%q) = %v, want %q", tt.v, err, tt.wantErr)
		}
	}
}

func TestVersionFromGo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"v1.2.3", "1.2.3"},
		{"1.2.3", "1.2.3"},
		{"v1.2.3-rc.1", "1.2.3~rc.1"},
		{"v0.0.0-20261125153452-0123456789ab", "0.0.0~20261125153452.0123456789ab"},
		{"v1.2.3+incompatible", "1.2.3+incompatible"},
		{"v2.0.0-beta.1+meta", "2.0.0~beta.1+meta"},
		{"main", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := VersionFromGo(tt.in)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("VersionFromGo(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	// Ordering survives the conversion.
	a, _ := VersionFromGo("v1.2.0-rc.1")
	b, _ := VersionFromGo("v1.2.0")
	if CompareVersions(a, b) >= 0 {
		t.Errorf("%s does not sort before %s", a, b)
	}
}

func TestFormatDescription(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"weld demo", "weld demo", ""},
		{"weld demo\n", "weld demo", ""},
		{"weld demo\nLong text.\n\nMore.", "weld demo\n Long text.\n .\n More.", ""},
		{"synopsis\n  verbatim line", "synopsis\n   verbatim line", ""},
		{"\nno synopsis", "", "synopsis"},
		{"  ", "", "synopsis"},
	}
	for _, tt := range tests {
		got, err := formatDescription(tt.in)
		if got != tt.want || (tt.wantErr == "") != (err == nil) {
			t.Errorf("formatDescription(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckRelation(t *testing.T) {
	for _, ok := range []string{"libc6", "libc6 (>= 2.34)", "zlib1g (>= 1:1.2.3.3.dfsg-1)", "aa (<< 1) | bb (= 2.0-1)", "python3:any", "libfoo1 (>> 1~rc1)"} {
		if err := checkRelation(ok); err != nil {
			t.Errorf("checkRelation(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "libc6 (>=2.34)", "libc6 (> 2.34)", "libc6, zlib1g", "Libc6", "libc6 (>= 2.34", "libc6\n", "libc6 [amd64]", "${shlibs:Depends}", "libc6 <!nocheck>"} {
		if err := checkRelation(bad); err == nil {
			t.Errorf("checkRelation(%q) = nil, want an error", bad)
		}
	}
}

func validPackage() Package {
	return Package{
		Name: "weld-demo", Version: "1.0.0", Architecture: "amd64",
		Maintainer: "Weld <weld@example.com>", Description: "demo",
		Files: []archive.File{{Name: "usr/bin/weld-demo", Mode: 0o755, Data: []byte("x")}},
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		description string
		edit        func(*Package)
		wantErr     string
	}{
		{"valid", func(*Package) {}, ""},
		{"upper case name", func(p *Package) { p.Name = "Weld" }, "package name"},
		{"one letter name", func(p *Package) { p.Name = "w" }, "package name"},
		{"go version", func(p *Package) { p.Version = "v1.0.0" }, "start with a digit"},
		{"unknown arch", func(p *Package) { p.Architecture = "x86_64" }, `"x86_64"`},
		{"no maintainer", func(p *Package) { p.Maintainer = "" }, "Maintainer"},
		{"no description", func(p *Package) { p.Description = "" }, "Description"},
		{"two-line homepage", func(p *Package) { p.Homepage = "a\nb" }, "homepage"},
		{"bad depends", func(p *Package) { p.Depends = []string{"libc6 >= 2"} }, "dependency"},
		{"no files", func(p *Package) { p.Files = nil }, "no files"},
		{"absolute file", func(p *Package) { p.Files[0].Name = "/usr/bin/x" }, "usr/bin/x"},
		{"dot slash file", func(p *Package) { p.Files[0].Name = "./usr/bin/x" }, "without a leading"},
		{"dotdot file", func(p *Package) { p.Files[0].Name = "usr/../../x" }, "clean relative path"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			p := validPackage()
			tt.edit(&p)
			err := p.Check()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Check() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	p := validPackage()
	p.Version = "1:2.0~rc1-3"
	if got, want := p.FileName(), "weld-demo_2.0~rc1-3_amd64.deb"; got != want {
		t.Errorf("FileName() = %q, want %q", got, want)
	}
}

func TestInstalledSize(t *testing.T) {
	files := []fileSum{{size: 0}, {size: 1}, {size: 1024}, {size: 1025}}
	// 0 + 1 + 1 + 2 for the files, 3 for the directories.
	if got := installedSize(files, 3); got != 7 {
		t.Errorf("installedSize = %d, want 7", got)
	}
}
