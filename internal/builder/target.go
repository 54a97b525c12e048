package builder

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/weldgo/weld/internal/gobuild"
)

// HostTarget is the target a build produces when none is named: the one
// GOOS and GOARCH select, as for go build.
func HostTarget() gobuild.Target {
	t := gobuild.Target{OS: runtime.GOOS, Arch: runtime.GOARCH}
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

// knownTargets are the targets weld builds. The list is explicit so that a
// typo is an error that shows the choices rather than a go build failure.
var knownTargets = []string{
	"linux/amd64", "linux/arm64", "linux/arm/6", "linux/arm/7", "linux/386",
	"linux/riscv64", "linux/ppc64le", "linux/s390x",
	"windows/amd64", "windows/arm64", "darwin/amd64", "darwin/arm64",
	"freebsd/amd64", "freebsd/arm64",
}

// ParseTarget reads OS/ARCH[/VARIANT].
func ParseTarget(s string) (gobuild.Target, error) {
	for _, k := range knownTargets {
		if s == k {
			f := strings.Split(s, "/")
			t := gobuild.Target{OS: f[0], Arch: f[1]}
			if len(f) == 3 {
				t.Variant = f[2]
			}
			return t, nil
		}
	}
	if s == "linux/arm" {
		return gobuild.Target{}, fmt.Errorf("target %q needs an ARM version: linux/arm/6 (Raspberry Pi Zero and 1) or linux/arm/7", s)
	}
	return gobuild.Target{}, fmt.Errorf("unknown target %q; known targets: %s", s, strings.Join(knownTargets, ", "))
}
