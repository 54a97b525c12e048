package builder

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/weldgo/weld/internal/cdeps"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/textlimit"
)

// CReport is what a composition needs from C for one target, and what was
// found.
type CReport struct {
	Target gobuild.Target
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

// CDeps discovers the composition's C needs for t and looks each one up
// with the target's pkg-config, without failing on what is missing: weld
// deps shows it all, and the build turns it into one error.
func (s *Session) CDeps(ctx context.Context, t gobuild.Target) *CReport {
	s.memo.mu.Lock()
	r, ok := s.memo.cdeps[t.String()]
	s.memo.mu.Unlock()
	if ok {
		return r
	}
	r = s.cdeps(ctx, t)
	s.memo.mu.Lock()
	if s.memo.cdeps == nil {
		s.memo.cdeps = map[string]*CReport{}
	}
	s.memo.cdeps[t.String()] = r
	s.memo.mu.Unlock()
	return r
}

func (s *Session) cdeps(ctx context.Context, t gobuild.Target) *CReport {
	mode := s.opts.Spec.Build.Cgo
	comp, err := s.Comp.ForTarget(t.String())
	if err != nil {
		comp = s.Comp
	}
	r := &CReport{Target: t, Mode: mode, Needs: cdeps.Find(comp), Libraries: map[string]cdeps.Library{}}
	user := r.NeedsCgo()
	switch {
	case mode == spec.CgoOn:
		r.Enabled, r.Reason = true, "build.cgo is on"
	case mode == spec.CgoOff:
		r.Enabled, r.Reason = false, "build.cgo is off"
	case user != nil:
		r.Enabled, r.Reason = true, fmt.Sprintf("auto: %s %s uses cgo", user.Owner.Kind, user.Owner.Module)
	default:
		r.Enabled, r.Reason = false, "auto: every composed package is pure Go"
	}
	if !r.Enabled {
		return r
	}
	tc := s.toolchainFor(ctx, t)
	r.Compiler, r.CompilerProblem, r.env = tc.CC, tc.Problem, tc.Env
	r.cross = tc.Cross
	for _, n := range r.Needs {
		for _, name := range n.PkgConfig {
			if _, done := r.Libraries[name]; !done {
				r.Libraries[name] = s.lookupLibrary(ctx, tc, name)
			}
		}
	}
	return r
}

// memo holds what a session has already asked of the C toolchain, so that
// checking, fingerprinting and packaging a target run each tool once.
type memo struct {
	mu        sync.Mutex
	cdeps     map[string]*CReport
	libraries map[string]cdeps.Library
	compilers map[string]string
}

// lookupLibrary asks the target's pkg-config about a library, once per
// session.
func (s *Session) lookupLibrary(ctx context.Context, tc cToolchain, name string) cdeps.Library {
	key := name + "\x00" + strings.Join(tc.Env, "\x00")
	s.memo.mu.Lock()
	lib, ok := s.memo.libraries[key]
	s.memo.mu.Unlock()
	if ok {
		return lib
	}
	lib = cdeps.PkgConfig{Env: append(append([]string(nil), s.opts.Go.Environ()...), tc.Env...)}.Lookup(ctx, name)
	s.memo.mu.Lock()
	if s.memo.libraries == nil {
		s.memo.libraries = map[string]cdeps.Library{}
	}
	s.memo.libraries[key] = lib
	s.memo.mu.Unlock()
	return lib
}

// compilerVersion is `CC --version`, once per session.
func (s *Session) compilerVersion(ctx context.Context, cc string) string {
	s.memo.mu.Lock()
	v, ok := s.memo.compilers[cc]
	s.memo.mu.Unlock()
	if ok {
		return v
	}
	f := strings.Fields(cc)
	out, _ := exec.CommandContext(ctx, f[0], append(f[1:], "--version")...).Output()
	s.memo.mu.Lock()
	if s.memo.compilers == nil {
		s.memo.compilers = map[string]string{}
	}
	s.memo.compilers[cc] = string(out)
	s.memo.mu.Unlock()
	return string(out)
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

// cgoEnv checks the target's C needs and returns the environment for go
// build (CGO_ENABLED, and the C toolchain when cgo is on), or one error
// that names the plugin, the missing piece and the fix.
func (s *Session) cgoEnv(ctx context.Context, t gobuild.Target) ([]string, error) {
	r := s.CDeps(ctx, t)
	user := r.NeedsCgo()
	if !r.Enabled {
		if user != nil {
			who := fmt.Sprintf("%s: %s %s", user.Owner.Pos, user.Owner.Kind, user.Owner.Module)
			return nil, fmt.Errorf("%s uses cgo (package %s), but build.cgo is off; set build.cgo to auto or remove the %s",
				who, user.Packages[0], user.Owner.Kind)
		}
		return []string{"CGO_ENABLED=0"}, nil
	}
	if r.CompilerProblem != "" {
		who := "build.cgo is on"
		if user != nil {
			who = fmt.Sprintf("%s: %s %s uses cgo (package %s)", user.Owner.Pos, user.Owner.Kind, user.Owner.Module, user.Packages[0])
		}
		return nil, fmt.Errorf("%s, but there is no C compiler for %s: %s", who, t, r.CompilerProblem)
	}
	var missing []string
	for _, n := range r.Needs {
		for _, name := range n.PkgConfig {
			if lib := r.Libraries[name]; !lib.Found {
				missing = append(missing, fmt.Sprintf("%s: %s %s needs C library %q (pkg-config) for %s: %s%s",
					n.Owner.Pos, n.Owner.Kind, n.Owner.Module, name, t, lib.Problem, libraryHint(name, r.cross)))
			}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s", textlimit.Join(missing, "\n", maxDifferences))
	}
	return append([]string{"CGO_ENABLED=1"}, r.env...), nil
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

// CgoEnabled reports whether the composition is built with cgo for t:
// build.cgo, and with auto whether a composed package needs it.
func (s *Session) CgoEnabled(ctx context.Context, t gobuild.Target) (bool, error) {
	env, err := s.cgoEnv(ctx, t)
	if err != nil {
		return false, err
	}
	return env[0] == "CGO_ENABLED=1", nil
}

// GoCommand is the go command the session runs: the caller's, switched to
// the toolchain weld.lock pins.
func (s *Session) GoCommand() gobuild.GoCommand { return s.opts.Go }
