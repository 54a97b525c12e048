package builder

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/spec"
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
// whose C libraries are still the ones it was built against.
func (s *Session) fromCache(ctx context.Context, l *lock.Lock, goVersion string, a Artifact) bool {
	key := s.outputKey(l, goVersion, a)
	bin, meta, ok := s.cache.Get(key)
	if !ok {
		return false
	}
	if meta.Fingerprint != "" && meta.Fingerprint != s.cFingerprint(ctx, s.toolchainFor(ctx, a.Target), meta.PkgConfig) {
		s.cache.Remove(key) // built against C libraries that changed since
		return false
	}
	if err := outcache.CopyFile(bin, a.Path); err != nil {
		s.opts.Steps.Warn(fmt.Sprintf("cached output unusable: %v", err))
		return false
	}
	s.opts.Steps.Note(fmt.Sprintf("%-10s %-48s from cache %s", "cached", a.Target, key[:16]))
	return true
}

// toCache stores a fresh output. A failure to cache is only a warning.
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
	if err := s.cache.Put(s.outputKey(s.Lock, s.goVersion, a), a.Path, meta); err != nil {
		s.opts.Steps.Warn(fmt.Sprintf("caching %s: %v", a.Path, err))
	}
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
	data, ok := s.cache.LoadComposition(s.compositionKey(st.old, st.goVer))
	if !ok {
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
			err = s.cache.SaveComposition(s.compositionKey(s.Lock, s.goVersion), data)
		}
	}
	if err != nil {
		s.opts.Steps.Warn(fmt.Sprintf("caching the composition: %v", err))
	}
}
