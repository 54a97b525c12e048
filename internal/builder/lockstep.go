package builder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/textlimit"
)

// maxDifferences bounds the lock differences a message lists, so that a
// manifest of thousands of plugins cannot make a megabyte of error text.
const maxDifferences = 50

// LockMode says how a session treats weld.lock.
type LockMode int

const (
	// LockUse builds the locked versions and updates the lock when the
	// manifest no longer matches it, saying so in one line.
	LockUse LockMode = iota
	// LockFrozen fails on any difference instead (--locked, for CI).
	LockFrozen
	// LockRelock resolves and writes the lock, pinning the current
	// toolchain (weld lock).
	LockRelock
	// LockUpdate re-resolves the roots named in Options.Update, or all of
	// them, to the newest versions their queries allow (weld update).
	LockUpdate
	// LockNone neither reads nor writes a lock (compositions from flags).
	LockNone
)

// lockState is what Open learned from the lock before resolving.
type lockState struct {
	file  string
	old   *lock.Lock
	drift []string
	skip  []string
	goVer string
	// hashes remembers local module hashes: the drift check and the new
	// lock hash the same directories.
	hashes map[string]string
	// rewrite is set when the file on disk is in an older format than
	// old (which Upgrade brought to the current one) and still has to be
	// written.
	rewrite bool
}

// hash returns lock.HashDir of a local module, computing it once.
func (st *lockState) hash(dir, module string) (string, error) {
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

// prepareLock reads the lock, checks it against the manifest, pins the
// toolchain and returns the spec to resolve: a copy of the manifest whose
// unchanged roots are pinned to their locked versions.
func (s *Session) prepareLock(ctx context.Context) (*spec.Spec, *lockState, error) {
	o := s.opts
	st := &lockState{}
	// weld's own outputs are left out of local module hashes, so that a
	// build into a module's directory does not change its hash.
	if out, err := filepath.Abs(outDirOf(o)); err == nil {
		st.skip = []string{out}
	}
	// The download directory holds the output cache too, when that is on.
	if abs, err := filepath.Abs(outcache.DownloadDir()); err == nil {
		st.skip = append(st.skip, abs)
	}
	goVer, err := o.Go.Version(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("finding the go version: %w", err)
	}
	st.goVer = goVer
	if o.LockMode == LockNone || o.Spec.File == "" {
		return o.Spec, st, nil
	}
	st.file = filepath.Join(o.Spec.Dir, lock.FileName)
	s.lockFile = st.file
	if st.old, err = lock.Read(relToCwd(st.file)); err != nil { // errors name the file as the user knows it
		return nil, nil, err
	}
	if st.old == nil {
		if o.LockMode == LockFrozen {
			return nil, nil, fmt.Errorf("--locked: there is no %s; run weld lock", relToCwd(st.file))
		}
		return o.Spec, st, nil
	}
	fromVersion := st.old.Version
	st.old = lock.Upgrade(o.Spec, st.old, st.hash, st.skip...)
	st.drift = lock.DriftWith(o.Spec, st.old, st.hash)
	if o.LockMode == LockFrozen && len(st.drift) > 0 {
		return nil, nil, fmt.Errorf("--locked: %s does not match the manifest:\n\t%s\nrun weld lock", relToCwd(st.file), textlimit.Join(st.drift, "\n\t", maxDifferences))
	}
	if fromVersion != st.old.Version {
		if err := s.upgradeLockFile(st, fromVersion); err != nil {
			return nil, nil, err
		}
	}
	if o.LockMode != LockRelock && o.LockMode != LockUpdate && st.old.Go != goVer {
		if err := s.switchToolchain(ctx, st.old.Go, goVer); err != nil {
			return nil, nil, err
		}
		st.goVer = st.old.Go
	}
	return pin(o.Spec, st.old, o), st, nil
}

// upgradeLockFile reports, in one line, that a lock in an older format was
// read and its local module hashes recomputed (see lock.Upgrade), and
// has it written in the current format (commitLock). A lock that drifted
// is written once the composition is resolved again; --locked writes nothing, so
// a CI build with an old lock re-checks it, with both hash rules, on every
// run until weld lock rewrites it.
func (s *Session) upgradeLockFile(st *lockState, fromVersion int) error {
	note := fmt.Sprintf("%s: format %d → %d, local module hashes recomputed", relToCwd(st.file), fromVersion, st.old.Version)
	switch {
	case s.opts.LockMode == LockFrozen:
		note += " (--locked leaves the file as it is; run weld lock to rewrite it)"
	case len(st.drift) > 0:
		st.rewrite = true
	default:
		// Written with everything else, once (commitLock).
		s.lockDirty = true
	}
	s.opts.Steps.Note(note)
	return nil
}

// switchToolchain makes every go command run the locked toolchain, which
// the go command fetches through the module proxy.
func (s *Session) switchToolchain(ctx context.Context, want, have string) error {
	mode, err := s.opts.Go.GoEnv(ctx, "GOTOOLCHAIN")
	if err != nil {
		return err
	}
	if mode == "local" {
		return fmt.Errorf("weld.lock pins %s, but the go command is %s and GOTOOLCHAIN=local forbids switching; install %s, set GOTOOLCHAIN=auto so that go fetches it, or run weld lock to pin %s",
			want, have, want, have)
	}
	s.opts.Go = s.opts.Go.With("GOTOOLCHAIN=" + want)
	s.opts.Steps.Note(fmt.Sprintf("using %s, pinned by weld.lock (this go is %s)", want, have))
	return nil
}

// pin returns a copy of the manifest with each unchanged versioned root
// set to its locked version, unless weld update asked to move it.
func pin(s *spec.Spec, l *lock.Lock, o Options) *spec.Spec {
	updating := func(module string) bool {
		if o.LockMode != LockUpdate {
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

// finishLock records the resolved composition, writing weld.lock when it
// changed, and reports what changed.
func (s *Session) finishLock(ctx context.Context, st *lockState) error {
	o := s.opts
	hashes := map[string]string{}
	for _, m := range lock.LocalModules(s.Comp) {
		h, err := st.hash(m.Dir, m.Path)
		if err != nil {
			return err
		}
		hashes[m.Path] = h
	}
	sums, err := s.Comp.Sums(ctx, s.composeOptions())
	if err != nil {
		return err
	}
	s.Lock = lock.New(o.Spec, s.Comp, st.goVer, hashes, sums)
	if st.old != nil && o.LockMode != LockUpdate {
		// Sysroot pins are recorded as targets are built; keep those
		// whose request the manifest still makes.
		for _, sr := range st.old.Sysroots {
			want := o.Spec.TargetSettings(sr.Target).Sysroot.Debian
			if strings.Join(lock.SortedCopy(want), ",") == strings.Join(sr.Request, ",") {
				s.Lock.Sysroots = append(s.Lock.Sysroots, sr)
			}
		}
	}
	if st.file == "" {
		return nil
	}
	data := s.Lock.Format()
	if st.old != nil && string(data) == string(st.old.Format()) && !st.rewrite {
		if o.LockMode == LockUpdate {
			o.Steps.Note("weld update: everything is at the newest allowed version")
		}
		return nil
	}
	if st.old != nil && o.LockMode == LockFrozen {
		return fmt.Errorf("--locked: the go command selects a different build list than %s:\n\t%s\nrun weld lock",
			relToCwd(st.file), textlimit.Join(moduleChanges(st.old, s.Lock), "\n\t", maxDifferences))
	}
	// The lock is written once, by commitLock, after the sysroots of the
	// targets to build are pinned; these notes say what changed.
	s.lockDirty = true
	switch {
	case st.old == nil:
		s.lockNotes = []string{fmt.Sprintf("wrote %s", relToCwd(st.file))}
	case o.LockMode == LockUpdate:
		changes := moduleChanges(st.old, s.Lock)
		if len(changes) == 0 {
			changes = []string{"weld update: everything is at the newest allowed version"}
		}
		s.lockNotes = changes
	default:
		why := st.drift
		if len(why) == 0 {
			why = []string{"resolved again"}
		}
		s.lockNotes = []string{fmt.Sprintf("updated %s: %s", relToCwd(st.file), textlimit.Join(why, "; ", maxDifferences))}
	}
	return nil
}

// moduleChanges lists "path old → new" for every module whose version
// differs between two locks, including modules added or dropped.
func moduleChanges(old, new *lock.Lock) []string {
	versions := func(l *lock.Lock) map[string]string {
		m := map[string]string{}
		for _, mod := range l.Modules {
			m[mod.Path] = mod.Version
		}
		return m
	}
	a, b := versions(old), versions(new)
	var paths []string
	for p := range a {
		paths = append(paths, p)
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var out []string
	for _, p := range paths {
		from, to := a[p], b[p]
		if from == to {
			continue
		}
		if from == "" {
			from = "(none)"
		}
		if to == "" {
			to = "(none)"
		}
		out = append(out, fmt.Sprintf("%s %s → %s", p, from, to))
	}
	return out
}

func writeLock(name string, data []byte) error { return atomicfile.WriteFile(name, data, 0o644) }

func relToCwd(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

func outDirOf(o Options) string {
	if o.OutDir == "" {
		return "dist"
	}
	return o.OutDir
}
