package pipeline

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/gobuild/gobuildtest"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/lock/locktest"
	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

func newFakeGo(version, toolchain string) *gobuildtest.Fake {
	return &gobuildtest.Fake{GoVersion: version, Toolchain: toolchain}
}

// project writes a manifest with a local app and, when lockGo is set, a
// weld.lock for it made by that toolchain; edit then changes the app.
func project(t *testing.T, lockGo string) (*spec.Spec, func()) {
	t.Helper()
	dir, edit := locktest.Project(t, lockGo)
	s, err := spec.Load(filepath.Join(dir, "weld.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s, edit
}

func options(s *spec.Spec, g gobuild.GoCommand, mode lockpolicy.Mode, log io.Writer) Options {
	return Options{Spec: s, Go: g, OutDir: filepath.Join(s.Dir, "dist"), Targets: []target.Target{target.Host()},
		Steps: progress.New(log), LockMode: mode, NoCache: true}
}

func TestLockPolicyDecidesBeforeAnyGoCommand(t *testing.T) {
	t.Setenv("WELD_CACHE", t.TempDir())
	tests := []struct {
		name    string
		lockGo  string // "" for no weld.lock
		edit    bool
		wantErr string
	}{
		{"no lock", "", false, "/weld.lock; run weld lock"},
		{"drift", "go1.26.8", true, "local module example.com/app (./app) changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, edit := project(t, tt.lockGo)
			if tt.edit {
				edit()
			}
			g := newFakeGo("go1.26.8", "auto")
			before, _ := os.ReadFile(filepath.Join(s.Dir, lock.FileName))
			_, err := Build(context.Background(), options(s, g, lockpolicy.Frozen, io.Discard))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Build error = %v, want one containing %q", err, tt.wantErr)
			}
			if ran := g.Commands(); len(ran) != 0 {
				t.Errorf("go commands ran before the lock policy refused: %q", ran)
			}
			after, _ := os.ReadFile(filepath.Join(s.Dir, lock.FileName))
			if !bytes.Equal(before, after) {
				t.Errorf("--locked changed weld.lock:\n%s", after)
			}
			if _, err := os.Stat(filepath.Join(s.Dir, "dist")); !os.IsNotExist(err) {
				t.Errorf("a refused build wrote dist: %v", err)
			}
		})
	}
}

func TestLockedToolchainSwitch(t *testing.T) {
	t.Setenv("WELD_CACHE", t.TempDir())

	// GOTOOLCHAIN=local forbids the switch: one error, no go command.
	s, _ := project(t, "go1.26.99")
	g := newFakeGo("go1.26.8", "local")
	_, err := Build(context.Background(), options(s, g, lockpolicy.Frozen, io.Discard))
	if err == nil || !strings.Contains(err.Error(), "weld.lock pins go1.26.99, but the go command is go1.26.8 and GOTOOLCHAIN=local forbids switching") {
		t.Fatalf("Build error = %v, want the GOTOOLCHAIN=local refusal", err)
	}
	if ran := g.Commands(); len(ran) != 0 {
		t.Errorf("go commands ran: %q", ran)
	}

	// Otherwise every go command of the session runs the locked
	// toolchain, and the caller's go command is left as it was.
	s, _ = project(t, "go1.26.99")
	g = newFakeGo("go1.26.8", "auto")
	var log bytes.Buffer
	sess, err := start(context.Background(), options(s, g, lockpolicy.Frozen, &log))
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if got := sess.opts.Go.Getenv("GOTOOLCHAIN"); got != "go1.26.99" {
		t.Errorf("the session's go command has GOTOOLCHAIN=%q, want go1.26.99", got)
	}
	if got := g.Getenv("GOTOOLCHAIN"); got != "" {
		t.Errorf("the caller's go command was changed: GOTOOLCHAIN=%q", got)
	}
	if !strings.Contains(log.String(), "using go1.26.99, pinned by weld.lock (this go is go1.26.8)") {
		t.Errorf("no note of the switch in:\n%s", log.String())
	}
}
