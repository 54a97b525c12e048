// Package build is the compile stage: a resolved composition and a
// target's C toolchain in, a Binary out. Everything around the compile
// wraps one small interface, Builder: Cached serves and stores outputs in
// weld's content-addressed cache (and looks them up, so that a build
// where nothing changed resolves nothing), and All runs targets in
// parallel.
package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// Binary is a built program for one target: what the packaging, image
// and publishing stages are given.
type Binary struct {
	Target target.Target
	Path   string
	// Cgo says it was built with cgo, against the pkg-config libraries
	// CLibs.
	Cgo   bool
	CLibs []string
	// Key is the output key it is cached under, when it is: it names the
	// binary by everything that determines its bytes.
	Key string
}

// Builder builds the binary of one target.
type Builder interface {
	Build(ctx context.Context, t target.Target) (Binary, error)
}

// Path is where a target's binary named name goes under outDir:
// <outDir>/<name>_<os>_<arch>[_<variant>]/<name>[.exe].
func Path(outDir, name string, t target.Target) string {
	return filepath.Join(outDir, name+"_"+t.Dir(), name+t.ExeSuffix())
}

// All builds every target with b, as many at once as go would run jobs,
// and returns the binaries in the order of targets.
func All(ctx context.Context, b Builder, targets []target.Target) ([]Binary, error) {
	out := make([]Binary, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, t := range targets {
		g.Go(func() error {
			bin, err := b.Build(gctx, t)
			if err != nil {
				return fmt.Errorf("building %s: %w", t, err)
			}
			out[i] = bin
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, ctx.Err()
}

// Compiler compiles a resolved composition with go build, in the C
// environment the toolchain stage gives each target.
type Compiler struct {
	Go    gobuild.GoCommand
	Spec  *spec.Spec
	Comp  *compose.Composition
	Tools *toolchain.Resolver
	// WorkDir holds a scratch directory per target, for its overlay.
	WorkDir string
	OutDir  string
	Steps   *progress.Steps
}

// Build compiles t into Path(OutDir, Spec.Name, t).
func (c *Compiler) Build(ctx context.Context, t target.Target) (Binary, error) {
	bin := Binary{Target: t, Path: Path(c.OutDir, c.Spec.Name, t)}
	comp, err := c.Comp.ForTarget(t.String())
	if err != nil {
		return bin, err
	}
	cgoEnv, err := c.Tools.CgoEnv(ctx, c.Comp, t)
	if err != nil {
		return bin, err
	}
	bin.Cgo = cgoEnv[0] == "CGO_ENABLED=1"
	if bin.Cgo {
		bin.CLibs = c.Tools.FoundLibraries(ctx, c.Comp, t)
	}
	tags, ldflags, err := c.Comp.BuildFlags()
	if err != nil {
		return bin, err
	}
	scratch := filepath.Join(c.WorkDir, "build", t.Dir())
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return bin, err
	}
	env := append(append([]string(nil), c.Spec.Build.Env...), cgoEnv...)
	done := c.Steps.Start("compiling", t.String())
	err = c.Go.Build(ctx, gobuild.Request{
		Dir: comp.BuildDir, Package: comp.MainPackage, Files: comp.Overlay, Overlay: true,
		ScratchDir: scratch, Target: t, Tags: tags, Ldflags: ldflags,
		Env: env, Output: bin.Path,
	})
	done()
	if err != nil {
		return bin, explainCompileError(c.Comp, err)
	}
	return bin, nil
}
