package builder

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/weldgo/weld/internal/cdeps"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
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

// CDeps discovers the composition's C needs and looks each one up for t,
// without failing on what is missing: `weld deps` shows it all, and the
// build turns it into one error.
func (s *Session) CDeps(ctx context.Context, t gobuild.Target) *CReport {
	mode := s.opts.Spec.Build.Cgo
	r := &CReport{Target: t, Mode: mode, Needs: cdeps.Find(s.Comp), Libraries: map[string]cdeps.Library{}}
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
	env := append(append([]string(nil), s.opts.Go.Env...), s.opts.Spec.Build.Env...)
	r.Compiler = cCompiler(env)
	if _, err := exec.LookPath(strings.Fields(r.Compiler)[0]); err != nil {
		r.CompilerProblem = fmt.Sprintf("C compiler %q not found", r.Compiler)
	}
	pc := cdeps.PkgConfig{Env: env}
	for _, n := range r.Needs {
		for _, name := range n.PkgConfig {
			if _, done := r.Libraries[name]; !done {
				r.Libraries[name] = pc.Lookup(ctx, name)
			}
		}
	}
	return r
}

// cCompiler is the compiler cgo will run: $CC, or go's default.
func cCompiler(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "CC="); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return "gcc"
}

// cgoSetting checks the target's C needs and returns CGO_ENABLED, or one
// error that names the plugin, the missing piece and the fix.
func (s *Session) cgoSetting(ctx context.Context, t gobuild.Target) (string, error) {
	r := s.CDeps(ctx, t)
	user := r.NeedsCgo()
	if user == nil {
		return boolEnv(r.Enabled), nil
	}
	who := fmt.Sprintf("%s: %s %s", user.Owner.Pos, user.Owner.Kind, user.Owner.Module)
	switch {
	case r.Mode == spec.CgoOff:
		return "", fmt.Errorf("%s uses cgo (package %s), but build.cgo is off; set build.cgo to auto or remove the %s",
			who, user.Packages[0], user.Owner.Kind)
	case t != HostTarget():
		return "", fmt.Errorf("%s uses cgo (package %s), and cross-compiling cgo for %s is not supported yet; build for %s or remove the %s",
			who, user.Packages[0], t, HostTarget(), user.Owner.Kind)
	case r.CompilerProblem != "":
		hint := ""
		if r.Compiler == "gcc" {
			hint = "; on Debian: apt-get install gcc"
		}
		return "", fmt.Errorf("%s uses cgo (package %s), but no C compiler for %s: %s%s",
			who, user.Packages[0], t, r.CompilerProblem, hint)
	}
	var missing []string
	for _, n := range r.Needs {
		for _, name := range n.PkgConfig {
			if lib := r.Libraries[name]; !lib.Found {
				missing = append(missing, fmt.Sprintf("%s: %s %s needs C library %q (pkg-config) for %s: %s%s",
					n.Owner.Pos, n.Owner.Kind, n.Owner.Module, name, t, lib.Problem, cdeps.DebianHint(name)))
			}
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("%s", strings.Join(missing, "\n"))
	}
	return boolEnv(r.Enabled), nil
}

func boolEnv(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
