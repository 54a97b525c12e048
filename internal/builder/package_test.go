package builder

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
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
	s := &Session{opts: Options{
		Spec:   &spec.Spec{Name: "app", Outputs: spec.Outputs{Archive: true}},
		Go:     &gobuild.Runner{Env: []string{}},
		OutDir: out,
	}}
	arts := []Artifact{{Target: gobuild.Target{OS: "linux", Arch: "amd64"}, Path: bin}}

	// Packaging works while the build runs...
	if err := s.packageAll(context.Background(), arts); err != nil || len(arts[0].Packages) != 1 {
		t.Fatalf("packaging: %v, %v", arts[0].Packages, err)
	}
	if err := os.Remove(arts[0].Packages[0]); err != nil {
		t.Fatal(err)
	}
	// ...and stops once the build was stopped, at every step.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.packageAll(ctx, arts); !errors.Is(err, context.Canceled) {
		t.Errorf("packageAll after the build was stopped: %v, want context.Canceled", err)
	}
	if _, err := s.writeArchive(ctx, arts[0], defaultEpoch); !errors.Is(err, context.Canceled) {
		t.Errorf("writeArchive after the build was stopped: %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("a stopped build wrote %s", e.Name())
		}
	}
}
