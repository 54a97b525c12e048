package toolchain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os/exec"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/cdeps"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/textlimit"
)

// maxListed bounds the missing libraries one error lists.
const maxListed = 50

// CReport is what a composition needs from C for one target, and what was
// found.
type CReport struct {
	Target target.Target
	Mode   spec.CgoMode
	// Enabled is the CGO_ENABLED decision; Reason explains it.
	Enabled  bool
	Reason   string
	Compiler string
	// CompilerProblem is set when the C compiler cannot be run.
	CompilerProblem string
	Needs           []cdeps.Need
	Libraries       map[string]cdeps.Library
	env             []string
	cross           bool
}

// NeedsCgo returns the first app or plugin that uses cgo, or nil.
func (r *CReport) NeedsCgo() *cdeps.Need {
	for i := range r.Needs {
		if r.Needs[i].UsesCgo() {
			return &r.Needs[i]
		}
	}
	return nil
}

// CDeps discovers comp's C needs for t and looks each one up with the
// target's pkg-config, without failing on what is missing: weld deps shows
// it all, and the build turns it into one error. A resolver serves one
// composition, so the report is made once per target.
func (r *Resolver) CDeps(ctx context.Context, comp *compose.Composition, t target.Target) *CReport {
	r.mu.Lock()
	rep, ok := r.cdeps[t]
	r.mu.Unlock()
	if ok {
		return rep
	}
	rep = r.findCDeps(ctx, comp, t)
	r.mu.Lock()
	if r.cdeps == nil {
		r.cdeps = map[target.Target]*CReport{}
	}
	r.cdeps[t] = rep
	r.mu.Unlock()
	return rep
}

func (r *Resolver) findCDeps(ctx context.Context, whole *compose.Composition, t target.Target) *CReport {
	mode := r.Spec.Build.Cgo
	comp, err := whole.ForTarget(t.String())
	if err != nil {
		comp = whole
	}
	rep := &CReport{Target: t, Mode: mode, Needs: cdeps.Find(comp), Libraries: map[string]cdeps.Library{}}
	user := rep.NeedsCgo()
	switch {
	case mode == spec.CgoOn:
		rep.Enabled, rep.Reason = true, "build.cgo is on"
	case mode == spec.CgoOff:
		rep.Enabled, rep.Reason = false, "build.cgo is off"
	case user != nil:
		rep.Enabled, rep.Reason = true, fmt.Sprintf("auto: %s %s uses cgo", user.Owner.Kind, user.Owner.Module)
	default:
		rep.Enabled, rep.Reason = false, "auto: every composed package is pure Go"
	}
	if !rep.Enabled {
		return rep
	}
	tc := r.For(ctx, t)
	rep.Compiler, rep.CompilerProblem, rep.env = tc.CC, tc.Problem, tc.Env
	rep.cross = tc.Cross
	for _, n := range rep.Needs {
		for _, name := range n.PkgConfig {
			if _, done := rep.Libraries[name]; !done {
				rep.Libraries[name] = r.Library(ctx, tc, name)
			}
		}
	}
	return rep
}

// Library asks the toolchain's pkg-config about a library, once.
func (r *Resolver) Library(ctx context.Context, tc Toolchain, name string) cdeps.Library {
	key := name + "\x00" + strings.Join(tc.Env, "\x00")
	r.mu.Lock()
	lib, ok := r.libraries[key]
	r.mu.Unlock()
	if ok {
		return lib
	}
	lib = cdeps.PkgConfig{Env: append(append([]string(nil), r.Go.Environ()...), tc.Env...)}.Lookup(ctx, name)
	r.mu.Lock()
	if r.libraries == nil {
		r.libraries = map[string]cdeps.Library{}
	}
	r.libraries[key] = lib
	r.mu.Unlock()
	return lib
}

// compilerVersion is `CC --version`, once.
func (r *Resolver) compilerVersion(ctx context.Context, cc string) string {
	r.mu.Lock()
	v, ok := r.compilers[cc]
	r.mu.Unlock()
	if ok {
		return v
	}
	f := strings.Fields(cc)
	out, _ := exec.CommandContext(ctx, f[0], append(f[1:], "--version")...).Output()
	r.mu.Lock()
	if r.compilers == nil {
		r.compilers = map[string]string{}
	}
	r.compilers[cc] = string(out)
	r.mu.Unlock()
	return string(out)
}

// Fingerprint identifies the C side of a cgo build for t: the compiler
// and the version and flags of each named pkg-config library. A cached
// output built against another fingerprint is stale.
func (r *Resolver) Fingerprint(ctx context.Context, t target.Target, libs []string) string {
	tc := r.For(ctx, t)
	h := sha256.New()
	fmt.Fprintf(h, "cc %s\n", r.compilerVersion(ctx, tc.CC))
	for _, name := range libs {
		lib := r.Library(ctx, tc, name)
		fmt.Fprintf(h, "%s %v %s %s %s\n", name, lib.Found, lib.Version, lib.Cflags, lib.Libs)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FoundLibraries lists, sorted, the pkg-config libraries of comp that
// were found for t: what a fingerprint of its build covers.
func (r *Resolver) FoundLibraries(ctx context.Context, comp *compose.Composition, t target.Target) []string {
	var names []string
	for name, lib := range r.CDeps(ctx, comp, t).Libraries {
		if lib.Found {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// cCompiler is the compiler cgo will run for the host: $CC, or go's
// default.
func cCompiler(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "CC="); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return "gcc"
}

// CgoEnv checks comp's C needs for t and returns the environment for go
// build (CGO_ENABLED, and the C toolchain when cgo is on), or one error
// that names the plugin, the missing piece and the fix.
func (r *Resolver) CgoEnv(ctx context.Context, comp *compose.Composition, t target.Target) ([]string, error) {
	rep := r.CDeps(ctx, comp, t)
	user := rep.NeedsCgo()
	if !rep.Enabled {
		if user != nil {
			who := fmt.Sprintf("%s: %s %s", user.Owner.Pos, user.Owner.Kind, user.Owner.Module)
			return nil, fmt.Errorf("%s uses cgo (package %s), but build.cgo is off; set build.cgo to auto or remove the %s",
				who, user.Packages[0], user.Owner.Kind)
		}
		return []string{"CGO_ENABLED=0"}, nil
	}
	if rep.CompilerProblem != "" {
		who := "build.cgo is on"
		if user != nil {
			who = fmt.Sprintf("%s: %s %s uses cgo (package %s)", user.Owner.Pos, user.Owner.Kind, user.Owner.Module, user.Packages[0])
		}
		return nil, fmt.Errorf("%s, but there is no C compiler for %s: %s", who, t, rep.CompilerProblem)
	}
	var missing []string
	for _, n := range rep.Needs {
		for _, name := range n.PkgConfig {
			if lib := rep.Libraries[name]; !lib.Found {
				missing = append(missing, fmt.Sprintf("%s: %s %s needs C library %q (pkg-config) for %s: %s%s",
					n.Owner.Pos, n.Owner.Kind, n.Owner.Module, name, t, lib.Problem, libraryHint(name, rep.cross)))
			}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s", textlimit.Join(missing, "\n", maxListed))
	}
	return append([]string{"CGO_ENABLED=1"}, rep.env...), nil
}

// libraryHint says how to get a missing library: a host package for the
// host target, a sysroot entry for a cross target.
func libraryHint(name string, cross bool) string {
	if !cross {
		return cdeps.DebianHint(name)
	}
	if pkg, ok := cdeps.DebianDevPackage(name); ok {
		return fmt.Sprintf("; give the target a sysroot, for example sysroot: {debian: [%s]} under targets:", pkg)
	}
	return "; give the target a sysroot with the library (sysroot: under targets:)"
}

// CgoEnabled reports whether comp is built with cgo for t: build.cgo, and
// with auto whether a composed package needs it.
func (r *Resolver) CgoEnabled(ctx context.Context, comp *compose.Composition, t target.Target) (bool, error) {
	env, err := r.CgoEnv(ctx, comp, t)
	if err != nil {
		return false, err
	}
	return env[0] == "CGO_ENABLED=1", nil
}
