package gobuild

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/target"
)

// Request is one go build of a composed main package.
type Request struct {
	// Dir is the module directory go build runs in.
	Dir string
	// Package is the main package's import path.
	Package string
	// Files are composed files keyed by absolute path. With Overlay they
	// are passed through -overlay and never written to Dir; otherwise
	// they are written in place (Dir is then weld's own work directory).
	Files   map[string][]byte
	Overlay bool
	// ScratchDir holds the overlay files and the temporary output.
	ScratchDir string
	Target     target.Target
	Tags       []string
	Ldflags    string
	// Env is extra environment (build.env, CGO_ENABLED, CC, ...).
	Env []string
	// ModFlag is the -mod flag; -mod=readonly when empty, so that a
	// vendor directory in the app is ignored and go.mod is never updated.
	ModFlag string
	// Output is the final path of the binary. It is written under a
	// temporary name and renamed, so a failed build leaves nothing there.
	Output string
}

// Build compiles the request. The flags make the output depend only on
// its inputs: -trimpath removes directories, -buildvcs=false keeps the
// VCS state of whatever tree the app sits in out of the binary.
func (r *Runner) Build(ctx context.Context, req Request) error {
	mod := req.ModFlag
	if mod == "" {
		mod = "-mod=readonly"
	}
	args := []string{"build", "-trimpath", "-buildvcs=false", mod}
	if len(req.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(req.Tags, ","))
	}
	if req.Ldflags != "" {
		args = append(args, "-ldflags="+req.Ldflags)
	}
	if req.Overlay {
		overlay, err := writeOverlay(req.ScratchDir, req.Files)
		if err != nil {
			return err
		}
		args = append(args, "-overlay="+overlay)
	} else {
		for name, data := range req.Files {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return fmt.Errorf("writing composed files: %w", err)
			}
		}
	}
	// go build runs in req.Dir, so every path it is given must be absolute.
	output, err := filepath.Abs(req.Output)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(output), 0o755); err != nil {
		return err
	}
	tmp, err := atomicfile.CreateTemp(filepath.Dir(output), filepath.Base(output))
	if err != nil {
		return err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	args = append(args, "-o", tmp.Name(), req.Package)
	env := append(req.Target.Env(), req.Env...)
	if r.Getenv("GOTMPDIR") == "" && !setsVar(req.Env, "GOTMPDIR") && req.ScratchDir != "" {
		// go build keeps its own work directory in GOTMPDIR. When it is
		// stopped by a signal it exits without removing it, so it goes
		// under weld's scratch directory, which weld removes.
		gotmp := filepath.Join(req.ScratchDir, "gotmp")
		if err := os.MkdirAll(gotmp, 0o755); err != nil {
			return err
		}
		env = append(env, "GOTMPDIR="+gotmp)
	}
	if _, err := r.Run(ctx, Call{Dir: req.Dir, Args: args, Env: env}); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o755); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), output)
}

// writeOverlay writes files under dir and the -overlay JSON that maps their
// intended paths to them.
func writeOverlay(dir string, files map[string][]byte) (string, error) {
	od := filepath.Join(dir, "overlay")
	if err := os.MkdirAll(od, 0o755); err != nil {
		return "", err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	replace := map[string]string{}
	for i, n := range names {
		p := filepath.Join(od, fmt.Sprintf("%d-%s", i, filepath.Base(n)))
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return "", fmt.Errorf("writing overlay: %w", err)
		}
		replace[n] = p
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	name := filepath.Join(od, "overlay.json")
	return name, os.WriteFile(name, data, 0o644)
}

// setsVar reports whether env, a list of KEY=VALUE, sets key.
func setsVar(env []string, key string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			return true
		}
	}
	return false
}
