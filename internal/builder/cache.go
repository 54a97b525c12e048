package builder

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/modverify"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/spec"
	"golang.org/x/mod/module"
)

// keyEnv are the environment variables that change what go build produces
// beyond the lock and the manifest.
var keyEnv = []string{
	"GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GO386", "GOMIPS", "GOPPC64", "GORISCV64",
	"CC", "CXX", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS",
	"PKG_CONFIG", "PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR",
}

// outputKey names a target's output by everything that determines it: the
// lock (versions, hashes, toolchain, local content), the build settings,
// the target, the relevant environment and weld itself.
func (s *Session) outputKey(l *lock.Lock, goVersion string, a Artifact) string {
	sp := s.opts.Spec
	parts := []string{"weld output v1", weldIdentity(), goVersion, string(l.Format()), a.Target.String(),
		sp.Name, strings.Join(sp.Build.Tags, ","), sp.Build.Ldflags, strings.Join(sp.Build.Env, "\x00"), string(sp.Build.Cgo)}
	for _, k := range keyEnv {
		parts = append(parts, k+"="+s.opts.Go.Getenv(k))
	}
	return outcache.Key(parts...)
}

// weldIdentity distinguishes weld builds, so that a new weld never reuses
// an old weld's outputs. A development build is identified by its
// executable's size and time.
func weldIdentity() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Path + "@" + bi.Main.Version
	}
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return exe
	}
	return fmt.Sprintf("devel %d %d", fi.Size(), fi.ModTime().UnixNano())
}

// fromCache copies a target's cached output into place, if there is one
// whose C libraries are still the ones it was built against. Every file is
// checked against its recorded sha256 as it is copied; a damaged entry is
// removed, and the target is rebuilt.
func (s *Session) fromCache(ctx context.Context, l *lock.Lock, goVersion string, a Artifact) bool {
	key := s.outputKey(l, goVersion, a)
	entry, meta, err := s.cache.Get(key)
	if err != nil {
		s.cacheReadFailed(err, key, a.Target.String())
		return false
	}
	if meta.Fingerprint != "" && meta.Fingerprint != s.cFingerprint(ctx, s.toolchainFor(ctx, a.Target), meta.PkgConfig) {
		s.cache.Remove(key) // built against C libraries that changed since
		return false
	}
	if err := entry.CopyOut(meta.Name, a.Path, 0o755); err != nil {
		s.cacheReadFailed(err, key, a.Target.String())
		return false
	}
	s.opts.Steps.Note(fmt.Sprintf("%-10s %-48s from cache %s", "cached", a.Target, key[:16]))
	return true
}

// cacheReadFailed handles a cache entry that could not be used: a damaged
// one (the store has removed it) is remembered, so that one line reports
// it once its replacement is built; any other failure is a warning.
func (s *Session) cacheReadFailed(err error, key, what string) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case errors.Is(err, outcache.ErrCorrupt):
		s.corruptMu.Lock()
		defer s.corruptMu.Unlock()
		if s.corrupt == nil {
			s.corrupt = map[string]string{}
		}
		s.corrupt[key] = outcache.CorruptWhy(err)
	default:
		s.opts.Steps.Warn(fmt.Sprintf("cache entry %s for %s unusable: %v", outcache.ShortKey(key), what, err))
	}
}

// rebuilt reports, in one line, that the entry stored under key replaces a
// damaged one.
func (s *Session) rebuilt(key, what string) {
	s.corruptMu.Lock()
	why, ok := s.corrupt[key]
	delete(s.corrupt, key)
	s.corruptMu.Unlock()
	if ok {
		s.opts.Steps.Warn(fmt.Sprintf("cache entry %s for %s was corrupt (%s); rebuilt", outcache.ShortKey(key), what, why))
	}
}

// toCache stores a fresh output. A failure to cache is only a warning.
// What the entry records of the C side is taken at once, while ctx is
// live; the copy into the cache (and its sha256) runs in the background,
// overlapping with packaging, and Build waits for it.
func (s *Session) toCache(ctx context.Context, a Artifact, cgo bool) {
	if s.cache == nil || s.Lock == nil {
		return
	}
	meta := outcache.Meta{Name: s.opts.Spec.Name + a.Target.ExeSuffix(), Target: a.Target.String()}
	if cgo {
		for name, lib := range s.CDeps(ctx, a.Target).Libraries {
			if lib.Found {
				meta.PkgConfig = append(meta.PkgConfig, name)
			}
		}
		sort.Strings(meta.PkgConfig)
		meta.Fingerprint = s.cFingerprint(ctx, s.toolchainFor(ctx, a.Target), meta.PkgConfig)
	}
	if ctx.Err() != nil {
		return // stopped: the fingerprint may be incomplete
	}
	key := s.outputKey(s.Lock, s.goVersion, a)
	s.caching.Add(1)
	go func() {
		defer s.caching.Done()
		if err := s.cache.Put(key, a.Path, meta); err != nil {
			s.opts.Steps.Warn(fmt.Sprintf("caching %s: %v", a.Path, err))
			return
		}
		s.rebuilt(key, a.Target.String())
	}()
}

// cFingerprint identifies the C side of a cgo build: the compiler and the
// version and flags of each pkg-config library.
func (s *Session) cFingerprint(ctx context.Context, tc cToolchain, libs []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "cc %s\n", s.compilerVersion(ctx, tc.CC))
	for _, name := range libs {
		lib := s.lookupLibrary(ctx, tc, name)
		fmt.Fprintf(h, "%s %v %s %s %s\n", name, lib.Found, lib.Version, lib.Cflags, lib.Libs)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// compositionKey names a resolved composition: the lock pins every version
// and local content hash, and the manifest's location anchors its paths.
func (s *Session) compositionKey(l *lock.Lock, goVersion string) string {
	sp := s.opts.Spec
	return outcache.Key("weld composition v1", weldIdentity(), goVersion, string(l.Format()), sp.Dir, sp.Name,
		"GOFLAGS="+s.opts.Go.Getenv("GOFLAGS"))
}

// restoreComposition loads the composition that a matching lock was
// resolved to, so that a locked build runs no go command before go build.
func (s *Session) restoreComposition(st *lockState, resolveSpec *spec.Spec) bool {
	key := s.compositionKey(st.old, st.goVer)
	data, err := s.cache.LoadComposition(key)
	if err != nil {
		s.cacheReadFailed(err, key, compositionWhat)
		return false
	}
	snap, err := compose.DecodeSnapshot(data)
	if err != nil {
		return false
	}
	c, err := compose.Restore(resolveSpec, s.WorkDir, snap)
	if err != nil {
		return false
	}
	s.Comp, s.Lock, s.goVersion = c, st.old, st.goVer
	return true
}

// saveComposition stores the resolved composition under its lock.
func (s *Session) saveComposition() {
	if s.cache == nil || s.Lock == nil {
		return
	}
	snap, err := s.Comp.Snapshot()
	if err == nil {
		var data []byte
		if data, err = snap.Encode(); err == nil {
			key := s.compositionKey(s.Lock, s.goVersion)
			if err = s.cache.SaveComposition(key, data); err == nil {
				s.rebuilt(key, compositionWhat)
			}
		}
	}
	if err != nil {
		s.opts.Steps.Warn(fmt.Sprintf("caching the composition: %v", err))
	}
}

// compositionWhat names a cached composition in messages.
const compositionWhat = "the resolved composition"

// packagesFromCache copies a target's cached packages into the output
// directory, each checked against its recorded sha256.
func (s *Session) packagesFromCache(ctx context.Context, key string, a Artifact) ([]string, bool) {
	entry, names, err := s.cache.GetFiles(key)
	if err != nil {
		s.cacheReadFailed(err, key, packagesWhat(a))
		return nil, false
	}
	var paths []string
	for _, name := range names {
		if ctx.Err() != nil {
			return nil, false // stopped: the caller reports it
		}
		p := filepath.Join(outDirOf(s.opts), name)
		if err := entry.CopyOut(name, p, 0o644); err != nil {
			s.cacheReadFailed(err, key, packagesWhat(a))
			return nil, false
		}
		paths = append(paths, p)
	}
	return paths, true
}

func packagesWhat(a Artifact) string { return "the packages of " + a.Target.String() }

// VerifyModules checks, before anything is compiled, that every module
// directory the build reads from the module cache still holds what
// weld.lock's h1: hash says, so that an edited module cache is never
// compiled, and so never stored in weld's cache under the lock's key.
// Outputs served from weld's cache need no check: each was stored by a
// build that passed this one.
func (s *Session) VerifyModules(ctx context.Context) error {
	mods := modulesToVerify(s.Comp, s.Lock)
	done := s.opts.Steps.Start("verifying", fmt.Sprintf("%d modules", len(mods)))
	res, err := modverify.Verify(ctx, modverify.Options{Store: s.cache, Warn: s.opts.Steps.Warn}, mods)
	if res.Hashed > 0 {
		done() // only hashing takes long enough to report
	}
	if err != nil {
		return fmt.Errorf("verifying the module cache: %w", err)
	}
	return nil
}

// modulesToVerify lists the module-cache directories of the composition
// with the h1: hash the lock records for each. A directory is identified
// by its name (…/escaped-path@escaped-version), so a module replaced by
// another module's version is checked as that module. A local directory
// is covered by the lock's local hashes instead, and a module with no h1:
// hash in the lock has only its go.mod in the build: go build reads none
// of its files.
func modulesToVerify(c *compose.Composition, l *lock.Lock) []modverify.Module {
	if c == nil || l == nil {
		return nil
	}
	byDirName := map[string]modverify.Module{}
	for _, ms := range l.ModuleSums() {
		p, err1 := module.EscapePath(ms.Path)
		v, err2 := module.EscapeVersion(ms.Version)
		if err1 == nil && err2 == nil {
			byDirName[p+"@"+v] = modverify.Module{Path: ms.Path, Version: ms.Version, Sum: ms.Sum}
		}
	}
	seen := map[string]bool{}
	var out []modverify.Module
	for _, m := range c.Modules() {
		if m.Local || m.Dir == "" || seen[m.Dir] {
			continue
		}
		if mod, ok := cacheDirModule(byDirName, m.Dir); ok {
			seen[m.Dir] = true
			out = append(out, mod)
		}
	}
	return out
}

// cacheDirModule finds the locked module whose module-cache directory dir
// is: the one whose escaped path@version ends dir.
func cacheDirModule(byDirName map[string]modverify.Module, dir string) (modverify.Module, bool) {
	d := filepath.ToSlash(dir)
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] != '/' {
			continue
		}
		if m, ok := byDirName[d[i+1:]]; ok {
			m.Dir = dir
			return m, true
		}
	}
	return modverify.Module{}, false
}

// composition returns the resolved composition. A build served from the
// output cache resolved nothing, so it is restored from weld's cache, or
// resolved again (which a matching lock makes cheap and exact).
func (s *Session) composition(ctx context.Context) (*compose.Composition, error) {
	if s.Comp != nil {
		return s.Comp, nil
	}
	if s.lockSt == nil {
		return nil, fmt.Errorf("no composition: nothing was built")
	}
	if s.lockSt.old != nil && len(s.lockSt.drift) == 0 && s.restoreComposition(s.lockSt, s.resolveSpec) {
		return s.Comp, nil
	}
	if err := s.resolve(ctx, s.resolveSpec, s.lockSt); err != nil {
		return nil, err
	}
	return s.Comp, s.commitLock()
}
