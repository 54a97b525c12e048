package builder

import (
	"os"
	"runtime"

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
