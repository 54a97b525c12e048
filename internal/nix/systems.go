package nix

import (
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/target"
)

// System is a Linux platform the flake builds for: the Nix system name,
// the weld target it corresponds to, and the nixpkgs pkgsCross set that
// cross-compiles for it from another system.
type System struct {
	Name   string // Nix system, e.g. aarch64-linux
	Target string // weld target, e.g. linux/arm64
	Cross  string // pkgs.pkgsCross attribute
}

// systems are the Linux targets weld knows that nixpkgs builds: the rows
// of internal/target's table with a Nix system.
var systems = func() []System {
	var out []System
	for _, t := range target.Known() {
		if f, _ := t.Facts(); f.NixSystem != "" {
			out = append(out, System{Name: f.NixSystem, Target: t.String(), Cross: f.NixCross})
		}
	}
	return out
}()

// PackageName is the flake package that builds for this system from
// another one: the weld target with dashes, e.g. linux-arm64.
func (s System) PackageName() string { return strings.ReplaceAll(s.Target, "/", "-") }

// LookupSystem accepts a Nix system (aarch64-linux) or a weld target
// (linux/arm64).
func LookupSystem(name string) (System, error) {
	for _, s := range systems {
		if name == s.Name || name == s.Target {
			return s, nil
		}
	}
	var known []string
	for _, s := range systems {
		known = append(known, s.Name+" ("+s.Target+")")
	}
	if name == "linux/arm" {
		return System{}, fmt.Errorf("system %q needs an ARM version: linux/arm/6 or linux/arm/7", name)
	}
	return System{}, fmt.Errorf("unknown system %q; the flake builds for Linux systems: %s", name, strings.Join(known, ", "))
}

// HostSystem is the Linux system of this machine's architecture.
func HostSystem() (System, error) {
	// The table's facts name the arm version an arm machine runs.
	f, _ := target.Target{OS: "linux", Arch: runtime.GOARCH}.Facts()
	s, err := LookupSystem(f.NixSystem)
	if err != nil {
		return s, fmt.Errorf("this machine's architecture %s has no Nix system weld knows; pass --system", runtime.GOARCH)
	}
	return s, nil
}

// DefaultSystems are the systems a flake builds for when none is named:
// the manifest's targets and this machine's system, so that nix build
// works here too; none (so only this machine's) when the manifest names
// no target.
func DefaultSystems(manifestTargets []string) []string {
	if len(manifestTargets) == 0 {
		return nil
	}
	if h, err := HostSystem(); err == nil {
		return append([]string{h.Name}, manifestTargets...)
	}
	return manifestTargets
}

// ResolveSystems turns --system values and the manifest's targets into
// the flake's systems: unique, in the order given, the host's when there
// are none. Targets that are not Linux are left out and returned, for a
// note; the flake builds Linux systems only.
func ResolveSystems(names []string) (out []System, skipped []string, err error) {
	seen := map[string]bool{}
	for _, n := range names {
		if !strings.Contains(n, "-") && !strings.HasPrefix(n, "linux/") {
			skipped = append(skipped, n)
			continue
		}
		s, err := LookupSystem(n)
		if err != nil {
			return nil, nil, err
		}
		if !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		h, err := HostSystem()
		if err != nil {
			return nil, nil, err
		}
		out = []System{h}
	}
	sort.Strings(skipped)
	return out, skipped, nil
}
