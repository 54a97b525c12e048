// Package builder runs a whole weld build: it resolves the composition once
// and compiles it for each requested target. It is the engine behind the
// CLI's build and run commands.
package builder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/textlimit"
	"golang.org/x/sync/errgroup"
)

// Options configures a build.
type Options struct {
	Spec *spec.Spec
	Go   gobuild.GoCommand
	// OutDir receives one directory per target; "dist" by default.
	OutDir  string
	Targets []gobuild.Target
	// AllowAppUpgrade lets plugins raise the app's version.
	AllowAppUpgrade bool
	// KeepWork leaves the work directory in place and reports it.
	KeepWork bool
	Steps    *Steps
	// LockMode says how weld.lock is used; Update names the modules that
	// weld update moves (all roots when empty).
	LockMode LockMode
	Update   []string
	// NoCache builds even when the output is in the cache.
	NoCache bool
	// NoPackages builds binaries only, without the manifest's outputs
	// (weld run).
	NoPackages bool
}

// Artifact is a built binary.
type Artifact struct {
	Target gobuild.Target
	Path   string
	// Packages are the archives and packages made from the binary.
	Packages []string
}

// Session is a resolved composition and the work directory it lives in.
type Session struct {
	Comp *compose.Composition
	// Lock records Comp; it is what weld.lock holds after Open.
	Lock    *lock.Lock
	WorkDir string
	opts    Options
	cache   *outcache.Store
	// goVersion is the toolchain that builds: the locked one.
	goVersion string
	lockFile  string
	roots     sysroots
	rootReqs  []lock.Sysroot
	memo      memo
	// resolveSpec and lockSt are what build decided about the lock, for
	// a later stage that needs the composition after a build served from
	// the output cache (composition).
	resolveSpec *spec.Spec
	lockSt      *lockState
	// lockDirty says the resolved lock differs from weld.lock, and
	// lockNotes what to say when commitLock writes it.
	lockDirty bool
	lockNotes []string
	// caching counts the outputs being stored in weld's cache: storing
	// (a copy and a sha256) overlaps with packaging, and Build waits for
	// it before it returns.
	caching sync.WaitGroup
	// corrupt holds the keys of damaged cache entries read in this
	// session, with why, until their replacements are stored.
	corruptMu sync.Mutex
	corrupt   map[string]string
}

// Open resolves the composition. Close the session to remove its work
// directory.
func Open(ctx context.Context, o Options) (*Session, error) {
	s, err := newSession(o)
	if err != nil {
		return nil, err
	}
	resolveSpec, st, err := s.prepareLock(ctx)
	if err == nil {
		err = s.resolve(ctx, resolveSpec, st)
	}
	if err == nil && o.LockMode != LockRelock && o.LockMode != LockUpdate {
		err = s.commitLock()
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func newSession(o Options) (*Session, error) {
	// Named for this process, so that the next build removes the work
	// directory of one that was killed before it could (see atomicfile);
	// one the user asked to keep (--work) is named so that it stays.
	mkdir := atomicfile.MkdirTemp
	if o.KeepWork {
		mkdir = os.MkdirTemp
	}
	work, err := mkdir(os.TempDir(), "weld-work")
	if err != nil {
		return nil, fmt.Errorf("creating work directory: %w", err)
	}
	return &Session{WorkDir: work, opts: o, cache: outcache.Open()}, nil
}

// resolve runs the go toolchain's version selection and records the lock.
func (s *Session) resolve(ctx context.Context, resolveSpec *spec.Spec, st *lockState) error {
	o := s.opts
	co := s.composeOptions()
	co.Spec = resolveSpec
	if st.old != nil {
		co.GoSum = []byte(strings.Join(st.old.Sums, "\n") + "\n")
	}
	detail := fmt.Sprintf("%s + %d plugins", o.Spec.App.Module, len(o.Spec.Plugins))
	done := o.Steps.Start("resolving", detail)
	var err error
	s.Comp, err = compose.Resolve(ctx, co)
	done()
	if err == nil {
		err = s.finishLock(ctx, st)
	}
	if err != nil {
		return explainChecksum(err)
	}
	s.goVersion = st.goVer
	for _, l := range s.Comp.Lifts {
		o.Steps.Warn(fmt.Sprintf("%s lifts %s from %s to %s (see: weld why %s)", textlimit.Join(l.By, ", ", compose.MaxListed), l.Path, l.From, l.To, l.Path))
	}
	return nil
}

func (s *Session) composeOptions() compose.Options {
	return compose.Options{
		Spec: s.opts.Spec, Go: s.opts.Go, WorkDir: s.WorkDir,
		AllowAppUpgrade: s.opts.AllowAppUpgrade, Warn: s.opts.Steps.Warn,
	}
}

// Why explains a module's selected version.
func (s *Session) Why(ctx context.Context, path string) (string, error) {
	return s.Comp.Why(ctx, s.composeOptions(), path)
}

// Close removes the work directory, unless it is to be kept.
func (s *Session) Close() {
	if s.opts.KeepWork {
		s.opts.Steps.Note("work directory: " + s.WorkDir)
		return
	}
	os.RemoveAll(s.WorkDir)
}

// Build builds the composition for every target. A target whose output
// is in the cache is copied from there; the composition is resolved only
// if some target is not, so a build where nothing changed runs no go
// command but go env.
func Build(ctx context.Context, o Options) ([]Artifact, error) {
	s, err := newSession(o)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.build(ctx)
}

// build is Build in an open session, which afterwards holds the lock the
// binaries were built from (with its sysroot pins), for the stages that
// follow, such as images.
func (s *Session) build(ctx context.Context) ([]Artifact, error) {
	defer s.caching.Wait()
	o := s.opts
	resolveSpec, st, err := s.prepareLock(ctx)
	if err != nil {
		return nil, err
	}
	s.resolveSpec, s.lockSt = resolveSpec, st
	if st.old != nil && len(st.drift) == 0 {
		s.Lock = st.old
	}
	out := make([]Artifact, len(o.Targets))
	var todo []int
	for i, t := range o.Targets {
		out[i] = s.artifactFor(t)
		if st.old == nil || len(st.drift) > 0 || o.NoCache || !s.fromCache(ctx, st.old, st.goVer, out[i]) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		if err := s.packageAll(ctx, out); err != nil {
			return nil, err
		}
		return out, s.commitLock()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	locked := st.old != nil && len(st.drift) == 0
	if !locked || !s.restoreComposition(st, resolveSpec) {
		if err := s.resolve(ctx, resolveSpec, st); err != nil {
			return nil, err
		}
		s.saveComposition()
	}
	if err := s.VerifyModules(ctx); err != nil {
		return nil, err
	}
	var building []gobuild.Target
	for _, i := range todo {
		building = append(building, out[i].Target)
	}
	s.pinSysroots(ctx, building)
	if err := s.commitLock(); err != nil {
		return nil, err
	}
	// Targets build in parallel, as many at once as go would run jobs;
	// each has its own scratch directory for its overlay.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, i := range todo {
		g.Go(func() error {
			if err := s.buildTarget(gctx, out[i]); err != nil {
				return fmt.Errorf("building %s: %w", out[i].Target, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.packageAll(ctx, out); err != nil {
		return nil, err
	}
	return out, s.commitLock()
}

// packageAll makes the manifest's outputs from every built binary.
func (s *Session) packageAll(ctx context.Context, out []Artifact) error {
	if s.opts.NoPackages {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range out {
		g.Go(func() error {
			pkgs, err := s.packageTarget(gctx, out[i])
			out[i].Packages = pkgs
			return err
		})
	}
	return g.Wait()
}

// LockTargets assembles the sysroot of every manifest target whose
// composition uses cgo, and writes weld.lock once, with the resolved
// composition and those pins (weld lock, weld update: Open leaves the
// writing to it in those modes).
func (s *Session) LockTargets(ctx context.Context) error {
	for _, name := range s.opts.Spec.TargetNames() {
		t, err := target.Parse(name)
		if err != nil {
			return err
		}
		if r := s.CDeps(ctx, t); !r.Enabled || r.NeedsCgo() == nil {
			continue
		}
		if _, err := s.sysrootFor(ctx, t); err != nil {
			return err
		}
	}
	return s.commitLock()
}

// pinSysroots assembles the sysroot of every target to build whose
// composition uses cgo, so that weld.lock is written once, with their
// pins, before anything is compiled. A target whose C toolchain has a
// problem is left for its build to report.
func (s *Session) pinSysroots(ctx context.Context, targets []gobuild.Target) {
	for _, t := range targets {
		if r := s.CDeps(ctx, t); r.Enabled && r.NeedsCgo() != nil {
			s.toolchainFor(ctx, t)
		}
	}
}

// artifactFor returns where a target's binary goes.
func (s *Session) artifactFor(t gobuild.Target) Artifact {
	return artifactAt(outDirOf(s.opts), s.opts.Spec.Name, t)
}

// artifactAt is where a target's binary named name goes under outDir:
// <outDir>/<name>_<os>_<arch>[_<variant>]/<name>[.exe].
func artifactAt(outDir, name string, t gobuild.Target) Artifact {
	return Artifact{Target: t, Path: filepath.Join(outDir, name+"_"+t.Dir(), name+t.ExeSuffix())}
}

func (s *Session) buildTarget(ctx context.Context, a Artifact) error {
	sp, t := s.opts.Spec, a.Target
	c, err := s.Comp.ForTarget(t.String())
	if err != nil {
		return err
	}
	cgoEnv, err := s.cgoEnv(ctx, t)
	if err != nil {
		return err
	}
	scratch := filepath.Join(s.WorkDir, "build", filepath.Base(filepath.Dir(a.Path)))
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return err
	}
	env := append(append([]string(nil), sp.Build.Env...), cgoEnv...)
	done := s.opts.Steps.Start("compiling", t.String())
	err = s.opts.Go.Build(ctx, gobuild.Request{
		Dir: c.BuildDir, Package: c.MainPackage, Files: c.Overlay, Overlay: true,
		ScratchDir: scratch, Target: t, Tags: sp.Build.Tags, Ldflags: sp.Build.Ldflags,
		Env: env, Output: a.Path,
	})
	done()
	if err != nil {
		return s.explainCompileError(err)
	}
	if err := ctx.Err(); err != nil {
		// Stopped while the binary was moved into place: the C
		// fingerprint the cache entry needs can no longer be taken.
		return err
	}
	s.toCache(ctx, a, cgoEnv[0] == "CGO_ENABLED=1")
	return nil
}

var checksumMismatch = regexp.MustCompile(`verifying (\S+): checksum mismatch\s+downloaded: (\S+)\s+go.sum:\s+(\S+)`)

// explainChecksum turns the go command's checksum mismatch, which with a
// lock means the module's content differs from what weld.lock recorded,
// into one error that names the module.
func explainChecksum(err error) error {
	m := checksumMismatch.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	return fmt.Errorf("module %s does not match weld.lock: its content hashes to %s, the lock says %s; the module was changed after it was locked, so check its origin before running weld lock",
		m[1], m[2], m[3])
}

var packageHeader = regexp.MustCompile(`(?m)^# (\S+)`)

// explainCompileError names the plugin (or app) whose package failed to
// compile, before the compiler's own output.
func (s *Session) explainCompileError(err error) error {
	ge, ok := err.(*gobuild.Error)
	if !ok {
		return err
	}
	m := packageHeader.FindStringSubmatch(ge.Stderr)
	if m == nil {
		return fmt.Errorf("go build failed:\n%s", strings.TrimSpace(ge.Stderr))
	}
	culprit := "package " + m[1]
	for _, p := range s.Comp.Packages {
		if p.ImportPath != m[1] || p.Module == nil {
			continue
		}
		culprit = fmt.Sprintf("module %s (package %s)", p.Module.Path, m[1])
		if p.Module.Path == s.Comp.App.Path {
			culprit = fmt.Sprintf("app %s (package %s)", p.Module.Path, m[1])
		}
		for _, pl := range s.Comp.Plugins {
			if pl.Module.Path == p.Module.Path {
				culprit = fmt.Sprintf("plugin %s (%s)", pl.Spec.Source, pl.Spec.Pos)
			}
		}
	}
	return fmt.Errorf("%s does not compile:\n%s", culprit, strings.TrimSpace(ge.Stderr))
}
