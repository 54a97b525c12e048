// Package target names the platforms weld builds for and holds the one
// table of facts about each: how Go selects it, what Debian calls it,
// which C cross compiler and libraries serve it, how qemu runs it, and
// what OCI and Nix call it. Every other package asks this one; none keeps
// a table of its own, so two packages cannot disagree about a target.
package target

import (
	"debug/elf"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Target is a GOOS/GOARCH pair with an optional variant (GOARM for arm).
type Target struct {
	OS, Arch, Variant string
}

func (t Target) String() string {
	s := t.OS + "/" + t.Arch
	if t.Variant != "" {
		s += "/" + t.Variant
	}
	return s
}

// GoEnv is the go environment that selects the target.
func (t Target) Env() []string {
	env := []string{"GOOS=" + t.OS, "GOARCH=" + t.Arch}
	if t.Arch == "arm" && t.Variant != "" {
		env = append(env, "GOARM="+t.Variant)
	}
	return env
}

// ExeSuffix is ".exe" for Windows targets.
func (t Target) ExeSuffix() string {
	if t.OS == "windows" {
		return ".exe"
	}
	return ""
}

// canonical is t as the table names it: GOARM's ",softfloat" or
// ",hardfloat" suffix changes only how Go code does floating point, not
// which systems run it, and an arm target without a version is ARMv7, as
// go build assumes when cross-compiling.
func (t Target) canonical() Target {
	if t.Arch == "arm" {
		t.Variant, _, _ = strings.Cut(t.Variant, ",")
		if t.Variant == "" {
			t.Variant = "7"
		}
	}
	return t
}

// PackageArch is the Debian architecture that a .deb of t declares.
func PackageArch(t Target) (string, error) {
	f, ok := t.Facts()
	if !ok || f.DebianArch == "" {
		return "", fmt.Errorf("no Debian architecture for %s: Debian packages are made for the Linux targets weld knows", t)
	}
	return f.DebianArch, nil
}

// CLibArch is the Debian architecture whose C libraries run on t: the
// architecture of its sysroot.
func CLibArch(t Target) (string, error) {
	f, ok := t.Facts()
	switch {
	case !ok || f.DebianArch == "":
		return "", fmt.Errorf("no Debian sysroot for %s: Debian's C libraries are for the Linux targets weld knows", t)
	case f.CLibArch == "":
		return "", fmt.Errorf("no Debian sysroot for %s: %s", t, f.CLibNote)
	}
	return f.CLibArch, nil
}

// Dir is the target as one path element: linux_arm_7.
func (t Target) Dir() string { return strings.ReplaceAll(t.String(), "/", "_") }

// Host is the target a build produces when none is named: the one GOOS,
// GOARCH and GOARM select, as for go build.
func Host() Target {
	t := Target{OS: runtime.GOOS, Arch: runtime.GOARCH}
	if v := os.Getenv("GOOS"); v != "" {
		t.OS = v
	}
	if v := os.Getenv("GOARCH"); v != "" {
		t.Arch = v
	}
	if t.Arch == "arm" {
		t.Variant = os.Getenv("GOARM")
	}
	return t
}

// Parse reads OS/ARCH[/VARIANT] and accepts only the targets of the table,
// so that a typo is an error that lists the choices rather than a go build
// failure.
func Parse(s string) (Target, error) {
	if f, ok := lookup(s); ok && !f.Unlisted {
		return f.Target, nil
	}
	if s == "linux/arm" {
		return Target{}, fmt.Errorf("target %q needs an ARM version: linux/arm/6 (Raspberry Pi Zero and 1) or linux/arm/7", s)
	}
	return Target{}, fmt.Errorf("unknown target %q; known targets: %s", s, strings.Join(KnownNames(), ", "))
}

// Known lists the targets weld builds, in the table's order.
func Known() []Target {
	var out []Target
	for _, f := range table {
		if !f.Unlisted {
			out = append(out, f.Target)
		}
	}
	return out
}

// KnownNames lists the known targets as strings.
func KnownNames() []string {
	var out []string
	for _, t := range Known() {
		out = append(out, t.String())
	}
	return out
}

// Facts returns what the table says about t (an arm target without a
// version, or with a float suffix, as the version it runs); ok is false
// for a target weld does not know.
func (t Target) Facts() (Facts, bool) { return lookup(t.canonical().String()) }

func lookup(name string) (Facts, bool) {
	for _, f := range table {
		if f.Target.String() == name {
			return f, true
		}
	}
	return Facts{}, false
}

// ByDebianArch returns the Linux target whose C libraries a Debian
// architecture holds (armhf gives linux/arm/7: Debian builds armhf for
// ARMv7).
func ByDebianArch(arch string) (Facts, bool) {
	for _, f := range table {
		if f.Target.OS == "linux" && f.CLibArch == arch {
			return f, true
		}
	}
	return Facts{}, false
}

// ByNixSystem returns the target of a Nix system name (aarch64-linux).
func ByNixSystem(system string) (Facts, bool) {
	for _, f := range table {
		if f.NixSystem != "" && f.NixSystem == system {
			return f, true
		}
	}
	return Facts{}, false
}

// ELFMachine is the ELF machine of a Debian architecture's binaries.
func ELFMachine(debianArch string) (elf.Machine, bool) {
	for _, f := range table {
		if f.Target.OS == "linux" && (f.DebianArch == debianArch || f.CLibArch == debianArch) {
			return f.ELFMachine, true
		}
	}
	return elf.EM_NONE, false
}

// Triplet is the multiarch triplet of a Debian architecture, the name of
// its library directories (/usr/lib/aarch64-linux-gnu).
func Triplet(debianArch string) (string, bool) {
	if f, ok := ByDebianArch(debianArch); ok {
		return f.Triplet, true
	}
	return "", false
}
