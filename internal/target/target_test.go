package target

import (
	"debug/elf"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Target
		wantErr string
	}{
		{"linux/amd64", Target{"linux", "amd64", ""}, ""},
		{"linux/arm/6", Target{"linux", "arm", "6"}, ""},
		{"linux/arm/7", Target{"linux", "arm", "7"}, ""},
		{"windows/amd64", Target{"windows", "amd64", ""}, ""},
		{"linux/arm", Target{}, "needs an ARM version: linux/arm/6"},
		{"linx/amd64", Target{}, `unknown target "linx/amd64"; known targets: linux/amd64, linux/arm64`},
		{"linux/amd64/v3", Target{}, "unknown target"},
		{"", Target{}, "unknown target"},
		{"linux/arm/5", Target{}, "unknown target"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("Parse(%q).String() = %q", tt.in, got.String())
		}
	}
}

// The one place where a target has two Debian answers: the package says
// armhf (Raspberry Pi OS's name for its ARMv6 hard-float port), while no
// Debian archive holds C libraries that run on ARMv6.
func TestARMv6HasTwoFacts(t *testing.T) {
	f, ok := Target{"linux", "arm", "6"}.Facts()
	if !ok {
		t.Fatal("linux/arm/6 is not in the table")
	}
	if f.DebianArch != "armhf" {
		t.Errorf("package architecture = %q, want armhf", f.DebianArch)
	}
	if f.CLibArch != "" || f.CrossCC != "" || !strings.Contains(f.CLibNote, "ARMv6") || !strings.Contains(f.CCNote, "ARMv6") {
		t.Errorf("C libraries from %q with %q (%q), want none, with a reason", f.CLibArch, f.CrossCC, f.CLibNote)
	}
	if f7, _ := (Target{"linux", "arm", "7"}).Facts(); f7.CLibArch != "armhf" || f7.DebianArch != "armhf" {
		t.Errorf("linux/arm/7: package %q, C libraries %q; want armhf for both", f7.DebianArch, f7.CLibArch)
	}
	if got, _ := ByDebianArch("armhf"); got.Target.String() != "linux/arm/7" {
		t.Errorf("ByDebianArch(armhf) = %v, want linux/arm/7", got.Target)
	}
}

// TestTableConsistent checks the facts that other packages rely on
// holding together, for every row.
func TestTableConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range table {
		name := f.Target.String()
		if seen[name] {
			t.Errorf("%s is in the table twice", name)
		}
		seen[name] = true
		if f.OCIArch == "" {
			t.Errorf("%s has no OCI architecture", name)
		}
		if f.Target.OS != "linux" {
			if f.DebianArch != "" || f.Qemu != "" || f.Triplet != "" {
				t.Errorf("%s is not Linux but has Debian or qemu facts", name)
			}
			continue
		}
		if f.DebianArch == "" || f.Triplet == "" || f.Qemu == "" || f.ELFMachine == elf.EM_NONE {
			t.Errorf("%s lacks a Debian architecture, triplet, qemu or ELF machine: %+v", name, f)
		}
		if (f.CLibArch == "") == (f.CLibNote == "") {
			t.Errorf("%s: a target has either a C library architecture or a note saying why not", name)
		}
		if f.CrossCC != "" && !strings.HasPrefix(f.CrossCC, strings.Split(f.Triplet, "-")[0]) && f.Target.Arch != "386" {
			t.Errorf("%s: cross compiler %s does not match triplet %s", name, f.CrossCC, f.Triplet)
		}
		if f.CLibArch != "" {
			back, ok := ByDebianArch(f.CLibArch)
			if !ok || back.Target != f.Target {
				t.Errorf("ByDebianArch(%s) = %v, want %s", f.CLibArch, back.Target, name)
			}
			if tr, _ := Triplet(f.CLibArch); tr != f.Triplet {
				t.Errorf("Triplet(%s) = %q, want %q", f.CLibArch, tr, f.Triplet)
			}
		}
		if m, ok := ELFMachine(f.DebianArch); !ok || m != f.ELFMachine {
			t.Errorf("ELFMachine(%s) = %v, want %v", f.DebianArch, m, f.ELFMachine)
		}
		if f.NixSystem != "" {
			if back, ok := ByNixSystem(f.NixSystem); !ok || back.Target != f.Target {
				t.Errorf("ByNixSystem(%s) = %v", f.NixSystem, back.Target)
			}
		}
	}
}

func TestTargetStrings(t *testing.T) {
	arm := Target{"linux", "arm", "7"}
	if got := strings.Join(arm.Env(), " "); got != "GOOS=linux GOARCH=arm GOARM=7" {
		t.Errorf("Env = %q", got)
	}
	if arm.Dir() != "linux_arm_7" || arm.ExeSuffix() != "" {
		t.Errorf("Dir %q ExeSuffix %q", arm.Dir(), arm.ExeSuffix())
	}
	if (Target{"windows", "amd64", ""}).ExeSuffix() != ".exe" {
		t.Error("windows has no .exe suffix")
	}
}

func TestDebianArchitectures(t *testing.T) {
	tests := []struct {
		t         Target
		pkg, clib string // "" means an error
	}{
		{Target{"linux", "amd64", ""}, "amd64", "amd64"},
		{Target{"linux", "arm64", ""}, "arm64", "arm64"},
		{Target{"linux", "arm", "7"}, "armhf", "armhf"},
		{Target{"linux", "arm", ""}, "armhf", "armhf"},
		{Target{"linux", "arm", "7,hardfloat"}, "armhf", "armhf"},
		{Target{"linux", "arm", "6"}, "armhf", ""},
		{Target{"linux", "arm", "5"}, "armel", "armel"},
		{Target{"linux", "arm", "8"}, "", ""},
		{Target{"linux", "386", ""}, "i386", "i386"},
		{Target{"linux", "ppc64le", ""}, "ppc64el", "ppc64el"},
		{Target{"linux", "wasm", ""}, "", ""},
		{Target{"windows", "amd64", ""}, "", ""},
		{Target{"darwin", "arm64", ""}, "", ""},
	}
	for _, tt := range tests {
		pkg, err := PackageArch(tt.t)
		if (err != nil) != (tt.pkg == "") || pkg != tt.pkg {
			t.Errorf("PackageArch(%s) = %q, %v; want %q", tt.t, pkg, err, tt.pkg)
		}
		if err != nil && !strings.Contains(err.Error(), tt.t.String()) {
			t.Errorf("PackageArch(%s) error %q does not name the target", tt.t, err)
		}
		clib, err := CLibArch(tt.t)
		if (err != nil) != (tt.clib == "") || clib != tt.clib {
			t.Errorf("CLibArch(%s) = %q, %v; want %q", tt.t, clib, err, tt.clib)
		}
	}
}
