package build

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/gobuild/gobuildtest"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// cached is a Cached around a builder that writes content, with its own
// cache; compiled counts the compiles.
func cached(t *testing.T, content string, compiled *int, log *bytes.Buffer) *Cached {
	t.Helper()
	t.Setenv("WELD_CACHE", t.TempDir())
	out := t.TempDir()
	steps := progress.New(log)
	sp := &spec.Spec{Name: "app"}
	return &Cached{
		Inner: builderFunc(func(_ context.Context, tg target.Target) (Binary, error) {
			*compiled++
			p := Path(out, "app", tg)
			return Binary{Target: tg, Path: p}, writeProgram(p, content)
		}),
		Store: outcache.Open(), Report: &outcache.Reporter{Warn: steps.Warn}, Steps: steps,
		Tools: &toolchain.Resolver{Spec: sp, Go: &gobuildtest.Fake{}},
		Key:   func(tg target.Target) string { return outcache.Key("test", tg.String()) },
		Path:  func(tg target.Target) string { return Path(out, "app", tg) },
	}
}

func TestCachedServesWhatItStored(t *testing.T) {
	compiled := 0
	var log bytes.Buffer
	c := cached(t, "program v1", &compiled, &log)
	host := target.Host()
	ctx := context.Background()
	if _, ok := c.Lookup(ctx, host); ok {
		t.Fatal("an empty cache served a binary")
	}
	bin, err := c.Build(ctx, host)
	c.Wait()
	if err != nil || compiled != 1 || bin.Key != c.Key(host) {
		t.Fatalf("Build = %+v, %v after %d compiles", bin, err, compiled)
	}
	if err := os.Remove(bin.Path); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Lookup(ctx, host)
	if !ok || got.Path != bin.Path || got.Key != bin.Key {
		t.Fatalf("Lookup = %+v, %v; want the stored binary", got, ok)
	}
	if data, _ := os.ReadFile(got.Path); string(data) != "program v1" {
		t.Errorf("served %q", data)
	}
	if compiled != 1 {
		t.Errorf("Lookup compiled")
	}

	// A damaged entry is not served; its replacement is reported once.
	damage(t, c.Store.Dir, "app"+host.ExeSuffix())
	if _, ok := c.Lookup(ctx, host); ok {
		t.Fatal("a damaged entry was served")
	}
	if _, err := c.Build(ctx, host); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if n := strings.Count(log.String(), "was corrupt"); n != 1 || !strings.Contains(log.String(), "rebuilt") {
		t.Errorf("want one line reporting the corrupt entry rebuilt, got:\n%s", log.String())
	}
}

func TestCachedRefusesAStaleCFingerprint(t *testing.T) {
	compiled := 0
	var log bytes.Buffer
	c := cached(t, "cgo program", &compiled, &log)
	host := target.Host()
	src := filepath.Join(t.TempDir(), "app")
	if err := writeProgram(src, "built against other C libraries"); err != nil {
		t.Fatal(err)
	}
	meta := outcache.Meta{Name: "app" + host.ExeSuffix(), Target: host.String(), Fingerprint: "from another compiler"}
	if err := c.Store.Put(c.Key(host), src, meta); err != nil {
		t.Fatal(err)
	}
	if bin, ok := c.Lookup(context.Background(), host); ok {
		t.Fatalf("served %+v, built against another C side", bin)
	}
	if _, _, err := c.Store.Get(c.Key(host)); err == nil {
		t.Error("the stale entry is still in the cache")
	}
}

// damage overwrites the file named name in the store's entries.
func damage(t *testing.T, dir, name string) {
	t.Helper()
	found := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == name {
			found = true
			return os.WriteFile(p, []byte("flipped bits"), 0o755)
		}
		return nil
	})
	if !found {
		t.Fatalf("no %s under %s", name, dir)
	}
}
