// Package lockpolicy is the lock stage of a build. Before anything is
// resolved it reads weld.lock, checks it against the manifest and decides
// (Decide): which versions to pin, which toolchain to run, whether a
// difference is an error (--locked). After the composition is resolved it
// records the new lock (Record), and once the toolchain stage has pinned
// the sysroots it writes weld.lock, once (Commit).
package lockpolicy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/textlimit"
)

// maxDifferences bounds the lock differences a message lists, so that a
// manifest of thousands of plugins cannot make a megabyte of error text.
const maxDifferences = 50

// Mode says how a build treats weld.lock.
type Mode int

const (
	// Use builds the locked versions and updates the lock when the
	// manifest no longer matches it, saying so in one line.
	Use Mode = iota
	// Frozen fails on any difference instead (--locked, for CI).
	Frozen
	// Relock resolves and writes the lock, pinning the current
	// toolchain (weld lock).
	Relock
	// Update re-resolves the roots named in Options.Update, or all of
	// them, to the newest versions their queries allow (weld update).
	Update
	// None neither reads nor writes a lock (compositions from flags).
	None
)

// Options are what the policy needs to know of the build.
type Options struct {
	Spec *spec.Spec
	Go   gobuild.GoCommand
	Mode Mode
	// Update names the modules weld update moves (all roots when empty).
	Update []string
	// OutDir is left out of local module hashes.
	OutDir string
	Steps  *progress.Steps
	// ReadOnly decides as Mode says but never writes weld.lock: the
	// build's lock is kept in memory (weld doctor).
	ReadOnly bool
}

// Policy is what the lock stage decided, and the lock it keeps until it
// is written.
type Policy struct {
	opts Options
	// File is weld.lock's path, or "" when the build has no lock file.
	File string
	// Old is the lock read from File (upgraded to the current format).
	Old *lock.Lock
	// Drift lists how the manifest differs from Old.
	Drift []string
	// GoVersion is the toolchain that builds: the locked one.
	GoVersion string
	// Resolve is the manifest to resolve: unchanged roots pinned to
	// their locked versions.
	Resolve *spec.Spec
	// Go is the go command to run: switched to the locked toolchain.
	Go gobuild.GoCommand
	// Lock is the lock of this build: Old when it matches the manifest,
	// then what Record made; Commit writes it.
	Lock *lock.Lock

	skip []string
	// hashes remembers local module hashes: the drift check and the new
	// lock hash the same directories.
	hashes map[string]string
	// rewrite is set when the file on disk is in an older format than
	// old (which Upgrade brought to the current one) and still has to be
	// written.
	rewrite bool
	// dirty says Lock differs from the file, and notes what to say when
	// Commit writes it.
	dirty bool
	notes []string
	// readVersion is the format weld.lock was read in (0 without one).
	readVersion int
	// libTargets are the targets whose library pins PinLibraries changed,
	// for CommitLibraries to write.
	libTargets []string
}

// hash returns lock.HashDir of a local module, computing it once.
func (st *Policy) hash(dir, module string) (string, error) {
	key := module + "\x00" + dir
	if h, ok := st.hashes[key]; ok {
		return h, nil
	}
	h, err := lock.HashDir(dir, module, st.skip...)
	if err != nil {
		return "", err
	}
	if st.hashes == nil {
		st.hashes = map[string]string{}
	}
	st.hashes[key] = h
	return h, nil
}

// Decide reads the lock, checks it against the manifest, pins the
// toolchain and the spec to resolve. It runs no go command but go version
// and go env.
func Decide(ctx context.Context, o Options) (*Policy, error) {
	st := &Policy{opts: o, Go: o.Go, Resolve: o.Spec}
	// weld's own outputs are left out of local module hashes, so that a
	// build into a module's directory does not change its hash.
	if out, err := filepath.Abs(o.OutDir); err == nil {
		st.skip = []string{out}
	}
	// The download directory holds the output cache too, when that is on.
	if abs, err := filepath.Abs(outcache.DownloadDir()); err == nil {
		st.skip = append(st.skip, abs)
	}
	goVer, err := o.Go.Version(ctx)
	if err != nil {
		return nil, fmt.Errorf("finding the go version: %w", err)
	}
	st.GoVersion = goVer
	if o.Mode == None || o.Spec.File == "" {
		return st, nil
	}
	st.File = filepath.Join(o.Spec.Dir, lock.FileName)
	if st.Old, err = lock.Read(relToCwd(st.File)); err != nil { // errors name the file as the user knows it
		return nil, err
	}
	if st.Old == nil {
		if o.Mode == Frozen {
			return nil, fmt.Errorf("--locked: there is no %s; run weld lock", relToCwd(st.File))
		}
		return st, nil
	}
	fromVersion := st.Old.Version
	st.readVersion = fromVersion
	st.Old = lock.Upgrade(o.Spec, st.Old, st.hash, st.skip...)
	st.Drift = lock.DriftWith(o.Spec, st.Old, st.hash)
	if o.Mode == Frozen && len(st.Drift) > 0 {
		return nil, fmt.Errorf("--locked: %s does not match the manifest:\n\t%s\nrun weld lock", relToCwd(st.File), textlimit.Join(st.Drift, "\n\t", maxDifferences))
	}
	if fromVersion != st.Old.Version {
		st.upgradeLockFile(fromVersion)
	}
	if o.Mode != Relock && o.Mode != Update && st.Old.Go != goVer {
		if err := st.switchToolchain(ctx, st.Old.Go, goVer); err != nil {
			return nil, err
		}
		st.GoVersion = st.Old.Go
	}
	st.Resolve = pin(o.Spec, st.Old, o)
	if st.Matches() {
		st.Lock = st.Old
	}
	return st, nil
}

// Matches says weld.lock exists and matches the manifest: the build may
// use what was resolved for it before.
func (st *Policy) Matches() bool { return st.Old != nil && len(st.Drift) == 0 }

// Pinned returns the sysroot the lock pins for a target, for the
// toolchain stage; weld update pins none, so that they move too.
func (st *Policy) Pinned(target string) (lock.Sysroot, bool) {
	if st.Lock == nil || st.opts.Mode == Update {
		return lock.Sysroot{}, false
	}
	return st.Lock.SysrootFor(target)
}

// upgradeLockFile reports, in one line, that a lock in an older format was
// read and its local module hashes recomputed (see lock.Upgrade), and
// has it written in the current format (commitLock). A lock that drifted
// is written once the composition is resolved again; --locked writes nothing, so
// a CI build with an old lock re-checks it, with both hash rules, on every
// run until weld lock rewrites it.
func (st *Policy) upgradeLockFile(fromVersion int) {
	note := fmt.Sprintf("%s: format %d → %d", relToCwd(st.File), fromVersion, st.Old.Version)
	if fromVersion < 2 {
		note += ", local module hashes recomputed"
	}
	switch {
	case st.opts.Mode == Frozen:
		note += " (--locked leaves the file as it is; run weld lock to rewrite it)"
	case len(st.Drift) > 0:
		st.rewrite = true
	default:
		// Written with everything else, once (Commit).
		st.dirty = true
	}
	st.opts.Steps.Note(note)
}

// switchToolchain makes every go command run the locked toolchain, which
// the go command fetches through the module proxy.
func (st *Policy) switchToolchain(ctx context.Context, want, have string) error {
	mode, err := st.Go.GoEnv(ctx, "GOTOOLCHAIN")
	if err != nil {
		return err
	}
	if mode == "local" {
		return fmt.Errorf("weld.lock pins %s, but the go command is %s and GOTOOLCHAIN=local forbids switching; install %s, set GOTOOLCHAIN=auto so that go fetches it, or run weld lock to pin %s",
			want, have, want, have)
	}
	st.Go = st.Go.With("GOTOOLCHAIN=" + want)
	st.opts.Steps.Note(fmt.Sprintf("using %s, pinned by weld.lock (this go is %s)", want, have))
	return nil
}

// pin returns a copy of the manifest with each unchanged versioned root
// set to its locked version, unless weld update asked to move it.
func pin(s *spec.Spec, l *lock.Lock, o Options) *spec.Spec {
	updating := func(module string) bool {
		if o.Mode != Update {
			return false
		}
		if len(o.Update) == 0 {
			return true
		}
		for _, u := range o.Update {
			if u == module {
				return true
			}
		}
		return false
	}
	cp := *s
	cp.Plugins = append([]spec.Plugin(nil), s.Plugins...)
	app, plugins := lock.Roots(s)
	if app.Query != "" && sameRoot(app, l.App) && !updating(app.Module) {
		cp.App.Version = l.App.Version
	}
	locked := map[string]lock.Root{}
	for _, p := range l.Plugins {
		locked[p.Key()] = p
	}
	for i, p := range plugins {
		if old, ok := locked[p.Key()]; ok && p.Query != "" && sameRoot(p, old) && !updating(p.Module) {
			cp.Plugins[i].Version = old.Version
		}
	}
	return &cp
}

func sameRoot(a, b lock.Root) bool {
	return a.Module == b.Module && a.Query == b.Query && a.Path == b.Path && a.Package == b.Package && a.Entry == b.Entry
}

func relToCwd(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}
