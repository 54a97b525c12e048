package pack

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// TestStoppedBuildWritesNoPackage packages a binary after the build was
// stopped (by Ctrl-C or SIGTERM, which cancel the context): no package may
// be written, and the error must say why.
func TestStoppedBuildWritesNoPackage(t *testing.T) {
	out := t.TempDir()
	bin := filepath.Join(out, "app_linux_amd64", "app")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	sp := &spec.Spec{Name: "app", Outputs: spec.Outputs{Archive: true}}
	w := &Writer{Spec: sp, OutDir: out, MTime: DefaultEpoch,
		Tools: &toolchain.Resolver{Spec: sp, Go: &gobuild.Runner{Env: []string{}}}}
	bins := []build.Binary{{Target: target.Target{OS: "linux", Arch: "amd64"}, Path: bin}}

	// Packaging works while the build runs...
	pkgs, err := All(context.Background(), w, bins)
	if err != nil || len(pkgs[0]) != 1 {
		t.Fatalf("packaging: %v, %v", pkgs, err)
	}
	if err := os.Remove(pkgs[0][0]); err != nil {
		t.Fatal(err)
	}
	// ...and stops once the build was stopped, at every step.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := All(ctx, w, bins); !errors.Is(err, context.Canceled) {
		t.Errorf("packing after the build was stopped: %v, want context.Canceled", err)
	}
	if _, err := w.writeArchive(ctx, bins[0], DefaultEpoch); !errors.Is(err, context.Canceled) {
		t.Errorf("writeArchive after the build was stopped: %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("a stopped build wrote %s", e.Name())
		}
	}
}
