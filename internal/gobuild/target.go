package gobuild

import (
	"fmt"
	"strings"
)

// KnownTargets are the targets weld builds. The list is explicit so that a
// typo is an error that shows the choices rather than a go build failure.
var KnownTargets = []string{
	"linux/amd64", "linux/arm64", "linux/arm/6", "linux/arm/7", "linux/386",
	"linux/riscv64", "linux/ppc64le", "linux/s390x",
	"windows/amd64", "windows/arm64", "darwin/amd64", "darwin/arm64",
	"freebsd/amd64", "freebsd/arm64",
}

// ParseTarget reads OS/ARCH[/VARIANT].
func ParseTarget(s string) (Target, error) {
	for _, k := range KnownTargets {
		if s == k {
			f := strings.Split(s, "/")
			t := Target{OS: f[0], Arch: f[1]}
			if len(f) == 3 {
				t.Variant = f[2]
			}
			return t, nil
		}
	}
	if s == "linux/arm" {
		return Target{}, fmt.Errorf("target %q needs an ARM version: linux/arm/6 (Raspberry Pi Zero and 1) or linux/arm/7", s)
	}
	return Target{}, fmt.Errorf("unknown target %q; known targets: %s", s, strings.Join(KnownTargets, ", "))
}
