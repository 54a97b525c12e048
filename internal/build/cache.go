package build

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// keyEnv are the environment variables that change what go build produces
// beyond the lock and the manifest.
var keyEnv = []string{
	"GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GO386", "GOMIPS", "GOPPC64", "GORISCV64",
	"CC", "CXX", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS",
	"PKG_CONFIG", "PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR",
}

// OutputKey names a target's output by everything that determines it: the
// lock (versions, hashes, toolchain, local content), the build settings,
// the target, the relevant environment and weld itself. The C libraries
// are not in it: they are checked against the fingerprint the entry
// records (see Cached.Lookup).
func OutputKey(l *lock.Lock, goVersion string, sp *spec.Spec, getenv func(string) string, t target.Target) string {
	parts := []string{"weld output v1", outcache.WeldIdentity(), goVersion, string(l.KeyFormat()), t.String(),
		sp.Name, strings.Join(sp.Build.Tags, ","), sp.Build.Ldflags, strings.Join(sp.Build.Env, "\x00"), string(sp.Build.Cgo)}
	for _, k := range keyEnv {
		parts = append(parts, k+"="+getenv(k))
	}
	return outcache.Key(parts...)
}

// Cached stores what Inner builds in weld's cache, and serves a target
// from there (Lookup) when an entry for its output key exists and its C
// libraries are still the ones it was built against.
type Cached struct {
	Inner  Builder
	Store  *outcache.Store
	Report *outcache.Reporter
	Tools  *toolchain.Resolver
	Steps  *progress.Steps
	// Key is a target's output key, or "" when its output is not cached.
	// It is asked after Inner built, when the lock it reads is written.
	Key func(target.Target) string
	// Path is where a target's binary goes.
	Path func(target.Target) string

	// storing counts the copies into the cache still running: storing
	// (a copy and a sha256) overlaps with packaging.
	storing sync.WaitGroup
}

// Lookup copies t's cached output into place, if there is one whose C
// libraries are still the ones it was built against. Every file is
// checked against its recorded sha256 as it is copied; a damaged entry
// is removed, and reported once its replacement is stored.
func (c *Cached) Lookup(ctx context.Context, t target.Target) (Binary, bool) {
	bin := Binary{Target: t, Path: c.Path(t), Key: c.Key(t)}
	if bin.Key == "" || c.Store == nil {
		return bin, false
	}
	entry, meta, err := c.Store.Get(bin.Key)
	if err != nil {
		c.Report.ReadFailed(err, bin.Key, t.String())
		return bin, false
	}
	if meta.Fingerprint != "" && meta.Fingerprint != c.Tools.Fingerprint(ctx, t, meta.PkgConfig) {
		c.Store.Remove(bin.Key) // built against C libraries that changed since
		return bin, false
	}
	if err := entry.CopyOut(meta.Name, bin.Path, 0o755); err != nil {
		c.Report.ReadFailed(err, bin.Key, t.String())
		return bin, false
	}
	bin.Cgo, bin.CLibs = meta.Fingerprint != "", meta.PkgConfig
	c.Steps.FromCache("cached", t.String(), bin.Key[:16])
	return bin, true
}

// Build builds t with Inner and stores the output. A failure to cache is
// only a warning. What the entry records of the C side is taken at once,
// while ctx is live; the copy into the cache runs in the background, and
// Wait waits for it.
func (c *Cached) Build(ctx context.Context, t target.Target) (Binary, error) {
	bin, err := c.Inner.Build(ctx, t)
	if err != nil {
		return bin, err
	}
	if err := ctx.Err(); err != nil {
		// Stopped while the binary was moved into place: the C
		// fingerprint the entry needs can no longer be taken.
		return bin, err
	}
	bin.Key = c.Key(t)
	if bin.Key == "" || c.Store == nil {
		return bin, nil
	}
	meta := outcache.Meta{Name: filepath.Base(bin.Path), Target: t.String()}
	if bin.Cgo {
		meta.PkgConfig = bin.CLibs
		meta.Fingerprint = c.Tools.Fingerprint(ctx, t, bin.CLibs)
	}
	if ctx.Err() != nil {
		return bin, ctx.Err() // stopped: the fingerprint may be incomplete
	}
	c.storing.Add(1)
	go func() {
		defer c.storing.Done()
		if err := c.Store.Put(bin.Key, bin.Path, meta); err != nil {
			c.Steps.Warn(fmt.Sprintf("caching %s: %v", bin.Path, err))
			return
		}
		c.Report.Stored(bin.Key, t.String())
	}()
	return bin, nil
}

// Wait waits for the outputs being stored.
func (c *Cached) Wait() { c.storing.Wait() }
