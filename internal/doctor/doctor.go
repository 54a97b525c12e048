// Package doctor checks, before a build, everything the manifest's targets
// and outputs need from this machine (weld doctor): the Go toolchain and
// the one weld.lock pins, the C compiler of every target that uses cgo,
// pkg-config and the C libraries, the Debian archive the sysroots come
// from, the emulators that run cross-built binaries here, and registry
// credentials for pushing images. Each check says what it found, or what
// is missing and the Debian package that provides it.
package doctor

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/cdeps"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// Status is a check's outcome.
type Status string

const (
	// OK: found and usable.
	OK Status = "ok"
	// Missing: the build needs it and cannot run without it.
	Missing Status = "missing"
	// Warn: not needed to build, but needed for something the manifest
	// suggests (running cross-built binaries here, pushing images), or
	// a build will change something (an out-of-date lock).
	Warn Status = "warn"
)

// Check is one line of the report.
type Check struct {
	Status Status `json:"status"`
	// What is checked, such as "C compiler for linux/arm64".
	What string `json:"what"`
	// Detail is what was found, or what is wrong.
	Detail string `json:"detail"`
	// Fix is the command or change that fixes a missing item.
	Fix string `json:"fix,omitempty"`
}

// Session is the resolved composition, as the pipeline opens it.
type Session interface {
	CDeps(ctx context.Context, t target.Target) *toolchain.CReport
	LockDrift() []string
}

// Options are what the checks look at.
type Options struct {
	Spec    *spec.Spec
	Targets []target.Target
	// GoVersion is the go command's version; LockedGo the toolchain
	// weld.lock pins ("" without a lock); GoToolchain is GOTOOLCHAIN.
	GoVersion, LockedGo, GoToolchain string
	// Session is the resolved composition; OpenErr why it could not be
	// resolved (then the C side cannot be checked).
	Session Session
	OpenErr error
	// LookPath finds a program (exec.LookPath by default).
	LookPath func(string) (string, error)
	// Reachable checks that an archive URL answers (an HTTP request by
	// default).
	Reachable func(ctx context.Context, url string) error
	// Credentials says whether there are credentials for a registry.
	Credentials func(registry string) bool
}

// Run makes every check, in a fixed order.
func Run(ctx context.Context, o Options) []Check {
	if o.LookPath == nil {
		o.LookPath = exec.LookPath
	}
	if o.Reachable == nil {
		o.Reachable = reachable
	}
	var out []Check
	out = append(out, goChecks(o)...)
	if o.OpenErr != nil {
		out = append(out, Check{Status: Missing, What: "composition", Detail: o.OpenErr.Error(),
			Fix: "fix the error above; the C side of each target is checked once the composition resolves"})
	} else if o.Session != nil {
		if drift := o.Session.LockDrift(); len(drift) > 0 {
			out = append(out, Check{Status: Warn, What: "weld.lock", Detail: fmt.Sprintf("does not match the manifest (%s)", strings.Join(drift, "; ")),
				Fix: "weld lock (weld build updates it; weld build --locked fails)"})
		}
		for _, t := range o.Targets {
			out = append(out, cChecks(ctx, o, t)...)
		}
	}
	out = append(out, archiveChecks(ctx, o)...)
	out = append(out, runnerChecks(o)...)
	out = append(out, registryChecks(o)...)
	return out
}

// Failed says whether the build cannot run: something it needs is missing.
func Failed(checks []Check) bool {
	for _, c := range checks {
		if c.Status == Missing {
			return true
		}
	}
	return false
}

func goChecks(o Options) []Check {
	c := Check{Status: OK, What: "Go toolchain", Detail: o.GoVersion}
	switch {
	case o.LockedGo == "":
	case o.LockedGo == o.GoVersion:
		c.Detail += ", the one weld.lock pins"
	case o.GoToolchain == "local":
		c.Status, c.Detail = Missing, fmt.Sprintf("%s, but weld.lock pins %s and GOTOOLCHAIN=local forbids switching to it", o.GoVersion, o.LockedGo)
		c.Fix = "install " + o.LockedGo + " (go install golang.org/dl/" + o.LockedGo + "@latest), or unset GOTOOLCHAIN=local"
	default:
		c.Detail += fmt.Sprintf("; weld.lock pins %s, which the go command downloads and runs (GOTOOLCHAIN)", o.LockedGo)
	}
	return []Check{c}
}

// cChecks are the C side of one target: cgo, the compiler (and its
// sysroot), pkg-config and each library.
func cChecks(ctx context.Context, o Options, t target.Target) []Check {
	rep := o.Session.CDeps(ctx, t)
	if !rep.Enabled {
		return []Check{{Status: OK, What: "cgo for " + t.String(), Detail: "off (" + rep.Reason + "): no C toolchain needed"}}
	}
	var out []Check
	cc := Check{Status: OK, What: "C compiler for " + t.String(), Detail: rep.Compiler}
	if rep.CompilerProblem != "" {
		cc.Status, cc.Detail = Missing, rep.CompilerProblem
		cc.Fix = compilerFix(t, rep.Compiler)
	}
	out = append(out, cc)
	var libs []string
	for name := range rep.Libraries {
		libs = append(libs, name)
	}
	sort.Strings(libs)
	if len(libs) > 0 {
		if _, err := o.LookPath("pkg-config"); err != nil {
			out = append(out, Check{Status: Missing, What: "pkg-config", Detail: "not found; cgo plugins name their C libraries through it", Fix: "apt-get install pkg-config"})
		}
	}
	for _, name := range libs {
		lib := rep.Libraries[name]
		c := Check{Status: OK, What: fmt.Sprintf("C library %s for %s", name, t), Detail: lib.Version}
		if !lib.Found {
			c.Status, c.Detail = Missing, lib.Problem
			c.Fix = libraryFix(t, name)
		}
		out = append(out, c)
	}
	return out
}

// compilerFix is the Debian package of a target's C compiler.
func compilerFix(t target.Target, cc string) string {
	if t == target.Host() {
		if cc == "" || cc == "gcc" {
			return "apt-get install gcc"
		}
		return "install " + cc + ", or set CC"
	}
	if f, ok := t.Facts(); ok && len(f.CrossPackages) > 0 && cc == f.CrossCC {
		return "apt-get install " + strings.Join(f.CrossPackages, " ")
	}
	return "install the C compiler " + cc + ", or set cc: under targets: for " + t.String()
}

// libraryFix says where a library comes from: the host's -dev package,
// or, for a cross target, its sysroot.
func libraryFix(t target.Target, name string) string {
	if t == target.Host() {
		if hint := cdeps.DebianHint(name); hint != "" {
			return strings.TrimPrefix(hint, "; on Debian: ")
		}
		return "install the development package that provides " + name + ".pc"
	}
	return "add its -dev package to the target's sysroot (targets: - target: " + t.String() + "  sysroot: {debian: [...]})"
}

// reachable asks the archive for its suite's Release file.
func reachable(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}
