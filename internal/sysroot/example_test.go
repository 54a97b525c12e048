package sysroot_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"github.com/weldgo/weld/internal/sysroot"
)

// Cross-build a cgo program that uses `#cgo pkg-config: cairo` for
// linux/arm64 and run it under qemu-user.
func Example() {
	ctx := context.Background()
	archive, suite, components := sysroot.DefaultSource()
	s, err := sysroot.Ensure(ctx, sysroot.Request{
		Archive: archive, Suite: suite, Components: components,
		Arch:     "arm64", // target.CLibArch(target.Target{OS: "linux", Arch: "arm64"})
		Packages: []string{"libcairo2-dev"},
		// Pins: lock.Packages, // from weld.lock: no resolution, same tree
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// s.Packages goes into weld.lock.

	build := exec.CommandContext(ctx, "go", "build", "-o", "prog", ".")
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=1", "CC="+s.CC())
	build.Env = append(build.Env, s.PkgConfigEnv()...)
	build.Env = append(build.Env, s.CgoEnv()...) // append to the user's CGO_* flags if any
	if err := build.Run(); err != nil {
		fmt.Println(err)
		return
	}

	// timeout -s KILL: a guest that hangs in qemu ignores SIGTERM.
	args := append([]string{"-s", "KILL", "60", s.Qemu()}, s.QemuArgs()...)
	run := exec.CommandContext(ctx, "timeout", append(args, "./prog")...)
	run.Stdout, run.Stderr = os.Stdout, os.Stderr
	_ = run.Run()
}
