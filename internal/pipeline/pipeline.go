// Package pipeline runs weld's stages in order, for the commands that
// build: lock policy (lockpolicy), composition (compose), C toolchains
// (toolchain), compile (build), packages (pack), images (image) and
// publishing (publish). It only orchestrates: each stage is given the
// values the stages before it made, and nothing is read back from disk or
// from a binary.
package pipeline

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/weldgo/weld/internal/apicheck"
	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/sign"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/textlimit"
	"github.com/weldgo/weld/internal/toolchain"
)

// Options configures a build.
type Options struct {
	Spec *spec.Spec
	Go   gobuild.GoCommand
	// OutDir receives one directory per target; "dist" by default.
	OutDir  string
	Targets []target.Target
	// AllowAppUpgrade lets plugins raise the app's version.
	AllowAppUpgrade bool
	// AllowIncompatible turns the plugins' incompatible API uses into
	// warnings (internal/apicheck).
	AllowIncompatible bool
	// KeepWork leaves the work directory in place and reports it.
	KeepWork bool
	Steps    *progress.Steps
	// LockMode says how weld.lock is used; Update names the modules that
	// weld update moves (all roots when empty).
	LockMode lockpolicy.Mode
	Update   []string
	// NoCache builds even when the output is in the cache.
	NoCache bool
	// NoPackages builds binaries only, without the manifest's outputs
	// (weld run).
	NoPackages bool
	// ReadOnlyLock never writes weld.lock (weld doctor).
	ReadOnlyLock bool
	// SignKey signs every file the build writes; nil leaves them unsigned.
	SignKey *sign.Key
	// Authenticode signs Windows executables; nil leaves them unsigned.
	Authenticode *sign.Authenticode
}

func (o Options) outDir() string {
	if o.OutDir == "" {
		return "dist"
	}
	return o.OutDir
}

// Artifact is a built binary and the packages made from it.
type Artifact struct {
	build.Binary
	Packages []string
	// Attestations are the SBOMs of the binary and of each package.
	Attestations []string
	// Provenance is the build's provenance, which covers every artifact.
	Provenance string
	// Bundles are the Sigstore bundles of the binary, the packages and the
	// SBOMs, when the build is signed (Options.SignKey); the provenance's
	// and SHA256SUMS's are beside them, named by sign.BundlePath.
	Bundles []string
}

// Session is one run of the stages: the lock decision, the composition
// once resolved, the C toolchains, and the work directory they use.
type Session struct {
	// Comp is the resolved composition; nil until something needs it.
	Comp *compose.Composition
	// Lock records Comp; it is what weld.lock holds after Open.
	Lock *lock.Lock
	// APIFindings are the incompatible API uses of the plugins, when the
	// resolution checked them (internal/apicheck).
	APIFindings []apicheck.Finding
	WorkDir     string
	opts        Options
	policy      *lockpolicy.Policy
	tools       *toolchain.Resolver
	cache       *outcache.Store
	report      *outcache.Reporter
	// outputs serves binaries from the cache and stores fresh ones.
	outputs *build.Cached
	// licenses are the modules' detected licenses, by path@version.
	licenses map[string]string
	// libs are the libraries of each cgo target's artifacts
	// (pinLibraries), for the SBOMs.
	libs map[target.Target][]toolchain.Library
}

// Open decides the lock and resolves the composition, for the commands
// that need it whole (lock, update, why, deps, vendor, nix). Close the
// session to remove its work directory.
func Open(ctx context.Context, o Options) (*Session, error) {
	s, err := start(ctx, o)
	if err != nil {
		return nil, err
	}
	err = s.resolve(ctx)
	if err == nil && o.LockMode != lockpolicy.Relock && o.LockMode != lockpolicy.Update {
		err = s.commitLock()
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// start makes the work directory and runs the lock stage.
func start(ctx context.Context, o Options) (*Session, error) {
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
	s := &Session{WorkDir: work, opts: o, cache: outcache.Open(), report: &outcache.Reporter{Warn: o.Steps.Warn}}
	s.policy, err = lockpolicy.Decide(ctx, lockpolicy.Options{Spec: o.Spec, Go: o.Go, Mode: o.LockMode,
		Update: o.Update, OutDir: o.outDir(), Steps: o.Steps, ReadOnly: o.ReadOnlyLock})
	if err != nil {
		s.Close()
		return nil, err
	}
	// From here on every go command runs the locked toolchain.
	s.opts.Go = s.policy.Go
	s.Lock = s.policy.Lock
	s.tools = &toolchain.Resolver{Spec: o.Spec, Go: s.opts.Go, Steps: o.Steps, Pinned: s.policy.Pinned}
	s.outputs = &build.Cached{
		Store: s.cache, Report: s.report, Tools: s.tools, Steps: o.Steps, Key: s.outputKey,
		Path: func(t target.Target) string { return build.Path(o.outDir(), o.Spec.Name, t) },
	}
	return s, nil
}

// resolve runs the go toolchain's version selection and records the lock.
func (s *Session) resolve(ctx context.Context) error {
	o := s.opts
	co := s.composeOptions()
	co.Spec = s.policy.Resolve
	if old := s.policy.Old; old != nil {
		co.GoSum = []byte(strings.Join(old.Sums, "\n") + "\n")
	}
	detail := fmt.Sprintf("%s + %d plugins", o.Spec.App.Module, len(o.Spec.Plugins))
	done := o.Steps.Start("resolving", detail)
	stopMeter := s.watchModuleDownloads(ctx)
	comp, err := compose.Resolve(ctx, co)
	stopMeter()
	done()
	if err == nil {
		var sums []string
		if sums, err = comp.Sums(ctx, s.composeOptions()); err == nil {
			err = s.policy.Record(comp, sums)
		}
	}
	if err == nil {
		err = comp.RecordLocalHashes(localHashes(s.policy.Lock))
	}
	if err != nil {
		return explainChecksum(err)
	}
	s.Comp, s.Lock = comp, s.policy.Lock
	for _, l := range comp.Lifts {
		o.Steps.Warn(fmt.Sprintf("%s lifts %s from %s to %s (see: weld why %s)", textlimit.Join(l.By, ", ", compose.MaxListed), l.Path, l.From, l.To, l.Path))
	}
	return s.checkAPIs(ctx)
}

// commitLock writes weld.lock, once, with the sysroots pinned so far.
func (s *Session) commitLock() error {
	err := s.policy.Commit(s.tools.Assembled())
	s.Lock = s.policy.Lock
	return err
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

// CDeps is what the composition needs from C for t, and what was found.
func (s *Session) CDeps(ctx context.Context, t target.Target) *toolchain.CReport {
	return s.tools.CDeps(ctx, s.Comp, t)
}

// LockDrift lists how the manifest differs from weld.lock.
func (s *Session) LockDrift() []string { return s.policy.Drift }

// Toolchain is the C toolchain for t (with its sysroot pinned).
func (s *Session) Toolchain(ctx context.Context, t target.Target) toolchain.Toolchain {
	return s.tools.For(ctx, t)
}

// CgoEnabled reports whether the composition is built with cgo for t.
func (s *Session) CgoEnabled(ctx context.Context, t target.Target) (bool, error) {
	return s.tools.CgoEnabled(ctx, s.Comp, t)
}

// GoCommand is the go command the session runs: the caller's, switched to
// the toolchain weld.lock pins.
func (s *Session) GoCommand() gobuild.GoCommand { return s.opts.Go }

// Close removes the work directory, unless it is to be kept.
func (s *Session) Close() {
	if s.opts.KeepWork {
		s.opts.Steps.Note("work directory: " + s.WorkDir)
		return
	}
	os.RemoveAll(s.WorkDir)
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
		if _, err := s.tools.Sysroot(ctx, t); err != nil {
			return err
		}
	}
	return s.commitLock()
}

// pinSysroots assembles the sysroot of every target to build whose
// composition uses cgo, so that weld.lock is written once, with their
// pins, before anything is compiled. A target whose C toolchain has a
// problem is left for its build to report.
func (s *Session) pinSysroots(ctx context.Context, targets []target.Target) {
	for _, t := range targets {
		if r := s.CDeps(ctx, t); r.Enabled && r.NeedsCgo() != nil {
			s.tools.For(ctx, t)
		}
	}
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

// localHashes are the lock's content hashes of local modules, by module.
func localHashes(l *lock.Lock) map[string]string {
	if l == nil || len(l.Locals) == 0 {
		return nil
	}
	m := map[string]string{}
	for _, lm := range l.Locals {
		m[lm.Module] = lm.Hash
	}
	return m
}
