package linkdeps

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
	"github.com/weldgo/weld/internal/target"
)

// hostArch is the Debian architecture of this machine.
func hostArch(t *testing.T) string {
	t.Helper()
	tooltest.Need(t, "dpkg")
	out, err := exec.Command("dpkg", "--print-architecture").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// zlibProgram builds testdata/zlib natively: a cgo program linked with -lz.
func zlibProgram(t *testing.T) string {
	t.Helper()
	tooltest.Need(t, "gcc")
	if _, err := os.Stat("/usr/include/zlib.h"); err != nil {
		tooltest.Missing(t, "zlib.h not found: apt-get install zlib1g-dev")
	}
	return goBuild(t, "zlibprog", "zlib", "CGO_ENABLED=1")
}

func TestELFNeedsNative(t *testing.T) {
	bin := zlibProgram(t)
	info, err := ELFNeeds(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", info)
	if !slices.Contains(info.Needed, "libz.so.1") || !slices.Contains(info.Needed, "libc.so.6") {
		t.Errorf("Needed = %q, want libz.so.1 and libc.so.6", info.Needed)
	}
	if info.Interp == "" || !strings.Contains(info.Interp, "ld-linux") {
		t.Errorf("Interp = %q", info.Interp)
	}
	if info.Static() {
		t.Error("a cgo binary reported static")
	}
	floor := info.GlibcFloor()
	if !regexp.MustCompile(`^2\.\d+$`).MatchString(floor) {
		t.Fatalf("GlibcFloor() = %q, want 2.x", floor)
	}
	if got := info.MaxVersion("libc.so.6", "GLIBC_"); got != "GLIBC_"+floor {
		t.Errorf("MaxVersion(libc.so.6) = %q, floor %s", got, floor)
	}
	// The running glibc satisfies the floor, so the program runs.
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "zlib 1.") {
		t.Errorf("running %s: %v %s", bin, err, out)
	}
}

func TestELFNeedsStatic(t *testing.T) {
	bin := goBuild(t, "pure-linux", "pure", "CGO_ENABLED=0", "GOOS=linux")
	info, err := ELFNeeds(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Static() || len(info.Versions) != 0 {
		t.Errorf("ELFNeeds(static) = %+v", info)
	}
	if deps, err := DebDepends(info, func(string) (string, string, bool) { return "", "", false }); err != nil || len(deps) != 0 {
		t.Errorf("DebDepends(static) = %q, %v", deps, err)
	}
	if _, err := ELFNeeds("testdata/pure/main.go"); err == nil || !strings.Contains(err.Error(), "main.go") {
		t.Errorf("ELFNeeds(not ELF) = %v", err)
	}
}

func TestHostShlibs(t *testing.T) {
	arch := hostArch(t)
	zlibProgram(t) // needs zlib installed, as the build does
	tests := []struct{ soname, pkg, min string }{
		{"libz.so.1", "zlib1g", ""},
		{"libc.so.6", "libc6", ""},
		{"libm.so.6", "libc6", ""},
	}
	for _, tt := range tests {
		pkg, min, ok := HostShlibs(tt.soname, arch)
		if !ok || pkg != tt.pkg || min == "" || deb.CheckVersion(min) != nil {
			t.Errorf("HostShlibs(%s, %s) = %q, %q, %v; want %s and a version", tt.soname, arch, pkg, min, ok, tt.pkg)
		}
	}
	if pkg, min, ok := HostShlibs("libdoesnotexist.so.9", arch); ok {
		t.Errorf("HostShlibs(libdoesnotexist.so.9) = %q, %q, true", pkg, min)
	}
	other := "riscv64"
	if arch == other {
		other = "amd64"
	}
	otherTriplet, _ := target.Triplet(other)
	if _, err := os.Stat(filepath.Join("/lib", otherTriplet, "libz.so.1")); err != nil {
		if pkg, _, ok := HostShlibs("libz.so.1", other); ok {
			t.Errorf("HostShlibs(libz.so.1, %s) = %q for a library of another architecture", other, pkg)
		}
	}
}

// TestDebDependsHost computes Depends for the zlib program from the host's
// dpkg database and checks them against dpkg-shlibdeps: the same packages,
// and floors never lower than dpkg-shlibdeps' (ours may be higher: it
// reads symbols files, which give per-symbol versions, where we read
// shlibs).
func TestDebDependsHost(t *testing.T) {
	arch := hostArch(t)
	bin := zlibProgram(t)
	info, err := ELFNeeds(bin)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DebDepends(info, HostResolver(arch))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("DebDepends: %q", got)
	_, zmin, _ := HostShlibs("libz.so.1", arch)
	want := []string{"libc6 (>= " + info.GlibcFloor() + ")", "zlib1g (>= " + zmin + ")"}
	if !slices.Equal(got, want) {
		t.Fatalf("DebDepends = %q, want %q", got, want)
	}

	tooltest.Need(t, "dpkg-shlibdeps")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "debian"), 0o755); err != nil {
		t.Fatal(err)
	}
	control := "Source: probe\n\nPackage: probe\nArchitecture: any\n"
	if err := os.WriteFile(filepath.Join(dir, "debian", "control"), []byte(control), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dpkg-shlibdeps", "-O", bin)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dpkg-shlibdeps: %v\n%s", err, out)
	}
	line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(out)), "shlibs:Depends="))
	t.Logf("dpkg-shlibdeps: %s", line)
	theirs := map[string]string{}
	for _, d := range strings.Split(line, ", ") {
		m := regexp.MustCompile(`^(\S+)(?: \(>= (\S+)\))?$`).FindStringSubmatch(d)
		if m == nil {
			t.Fatalf("cannot read dpkg-shlibdeps entry %q", d)
		}
		theirs[m[1]] = m[2]
	}
	if len(theirs) != len(got) {
		t.Errorf("dpkg-shlibdeps names %d packages, we %d", len(theirs), len(got))
	}
	for _, d := range got {
		pkg, ver, _ := strings.Cut(strings.TrimSuffix(d, ")"), " (>= ")
		tv, ok := theirs[pkg]
		if !ok {
			t.Errorf("%s: dpkg-shlibdeps does not depend on %s", d, pkg)
		} else if deb.CompareVersions(ver, tv) < 0 {
			t.Errorf("%s is laxer than dpkg-shlibdeps' %s (>= %s)", d, pkg, tv)
		}
	}
}

// TestELFNeedsCross reads an arm64 cgo binary: the interpreter and the
// machine are the target's, and DebDepends works from any resolver.
func TestELFNeedsCross(t *testing.T) {
	tooltest.Need(t, "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-g++")
	bin := goBuild(t, "cxx-arm64", "cxx", "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=1",
		"CC=aarch64-linux-gnu-gcc", "CXX=aarch64-linux-gnu-g++")
	info, err := ELFNeeds(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", info)
	if info.Machine != elf.EM_AARCH64 || info.Interp != "/lib/ld-linux-aarch64.so.1" {
		t.Errorf("Machine %v Interp %q", info.Machine, info.Interp)
	}
	for _, lib := range []string{"libc.so.6", "libstdc++.so.6"} {
		if !slices.Contains(info.Needed, lib) {
			t.Errorf("Needed = %q, missing %s", info.Needed, lib)
		}
	}
	if info.MaxVersion("libstdc++.so.6", "GLIBCXX_") == "" {
		t.Errorf("no GLIBCXX version required: %q", info.Versions["libstdc++.so.6"])
	}
	sysroot := map[string][2]string{
		"libc.so.6": {"libc6", "2.36"}, "libm.so.6": {"libc6", "2.36"},
		"libstdc++.so.6": {"libstdc++6", "12"}, "libgcc_s.so.1": {"libgcc-s1", "3.0"},
	}
	deps, err := DebDepends(info, func(s string) (string, string, bool) { r, ok := sysroot[s]; return r[0], r[1], ok })
	if err != nil {
		t.Fatal(err)
	}
	if deps[0] != "libc6 (>= "+info.GlibcFloor()+")" || !slices.Contains(deps, "libstdc++6 (>= 12)") {
		t.Errorf("DebDepends = %q", deps)
	}
}
