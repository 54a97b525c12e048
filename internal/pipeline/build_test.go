package pipeline

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/target"
)

// TestCachedBuildRunsNoGoCommand: with a lock that matches the manifest
// and every output in the cache, a build copies the outputs into place
// and runs no go command at all; once the manifest drifts, the cache is
// not consulted and the composition is resolved again.
func TestCachedBuildRunsNoGoCommand(t *testing.T) {
	t.Setenv("WELD_CACHE", t.TempDir())
	s, edit := project(t, "go1.26.8")
	g := newFakeGo("go1.26.8", "auto")
	o := options(s, g, lockpolicy.Use, io.Discard)
	o.NoCache = false
	// Binaries only: SBOMs are made from the composition, which this
	// test's fake go command cannot resolve.
	s.Outputs.SBOM = []string{}

	// Store the output a build of this lock would have made.
	p, err := lockpolicy.Decide(context.Background(), lockpolicy.Options{Spec: s, Go: g, OutDir: o.OutDir})
	if err != nil {
		t.Fatal(err)
	}
	host := target.Host()
	program := []byte("the program built for " + host.String())
	src := filepath.Join(t.TempDir(), "app")
	if err := os.WriteFile(src, program, 0o755); err != nil {
		t.Fatal(err)
	}
	key := build.OutputKey(p.Lock, p.GoVersion, s, g.Getenv, host)
	if err := outcache.Open().Put(key, src, outcache.Meta{Name: "app" + host.ExeSuffix(), Target: host.String()}); err != nil {
		t.Fatal(err)
	}

	arts, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if ran := g.Commands(); len(ran) != 0 {
		t.Errorf("a build served from the cache ran go commands: %q", ran)
	}
	want := build.Path(o.OutDir, "app", host)
	if len(arts) != 1 || arts[0].Path != want || arts[0].Key != key {
		t.Fatalf("artifacts = %+v, want %s under key %s", arts, want, key)
	}
	if got, err := os.ReadFile(want); err != nil || !bytes.Equal(got, program) {
		t.Errorf("%s holds %q (%v), want the cached program", want, got, err)
	}

	// A drifted manifest resolves again: the fake refuses, and the
	// error is the resolution's.
	edit()
	if _, err := Build(context.Background(), o); err == nil {
		t.Fatal("a drifted build succeeded without resolving")
	}
	if ran := g.Commands(); len(ran) == 0 {
		t.Error("a drifted build ran no go command: it used the cache of the old lock")
	}
}
