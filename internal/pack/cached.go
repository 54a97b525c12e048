package pack

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/progress"
)

// Cached reuses the packages of a binary from weld's cache. Packages
// depend only on the binary (named by its output key), the outputs
// settings, the time and the C side: when all match, they are copied from
// the cache, each file checked against its recorded sha256.
type Cached struct {
	Inner  *Writer
	Store  *outcache.Store
	Report *outcache.Reporter
	Steps  *progress.Steps
}

// Pack returns b's packages from the cache, or writes and stores them.
// A binary with no output key is packed and not stored.
func (c *Cached) Pack(ctx context.Context, b build.Binary) ([]string, error) {
	w := c.Inner
	if !w.Wanted() {
		return nil, nil
	}
	if b.Key == "" || c.Store == nil {
		return w.Pack(ctx, b)
	}
	out := w.Spec.Outputs
	debKey := ""
	if out.Deb != nil && b.Target.OS == "linux" {
		// The package's own files come from the binary (its modules and
		// their licenses make the copyright file: b.Key covers them), the
		// deb settings and the files the manifest installs, named by
		// their content: editing one makes a new package. Nothing here
		// reads the binary, so a cached package costs no scan.
		debKey = fmt.Sprintf("%+v %q %s", *out.Deb, w.Spec.Name, DebInputs(w.Spec))
	}
	key := outcache.Key("weld packages v3", b.Key, fmt.Sprint(out.Archive), debKey,
		w.Spec.Version, w.MTime.String(), w.Tools.Fingerprint(ctx, b.Target, nil))
	what := "the packages of " + b.Target.String()
	if paths, ok := c.fromCache(ctx, key, what); ok {
		return paths, nil
	}
	paths, err := w.Pack(ctx, b)
	if err != nil {
		return nil, err
	}
	if err := c.Store.PutFiles(key, paths); err != nil {
		c.Steps.Warn(fmt.Sprintf("caching packages of %s: %v", b.Target, err))
	} else {
		c.Report.Stored(key, what)
	}
	return paths, nil
}

// fromCache copies the packages stored under key into the output
// directory.
func (c *Cached) fromCache(ctx context.Context, key, what string) ([]string, bool) {
	paths, err := c.Store.CopyFilesOut(ctx, key, func(name string) string { return filepath.Join(c.Inner.OutDir, name) })
	if err != nil {
		if ctx.Err() == nil {
			c.Report.ReadFailed(err, key, what)
		}
		return nil, false // a stopped build: the caller reports it
	}
	return paths, true
}
