package build

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/export"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// Vendored says what to build from a directory written by weld vendor.
type Vendored struct {
	Go      gobuild.GoCommand
	Steps   *progress.Steps
	Dir     string
	OutDir  string
	Targets []target.Target
}

// Build builds the vendored composition for every target, with
// -mod=vendor and no network: GOPROXY=off, so a missing file is an error,
// not a download.
func (v Vendored) Build(ctx context.Context) ([]Binary, error) {
	dir := v.Dir
	data, err := os.ReadFile(filepath.Join(dir, export.VendorInfoFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not a weld vendor directory (no %s); write one with weld vendor: %w", dir, export.VendorInfoFile, err)
	}
	var info export.VendorInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("reading %s: %w", export.VendorInfoFile, err)
	}
	for _, e := range info.Env {
		if why := spec.CheckBuildEnv(e); why != "" {
			return nil, fmt.Errorf("%s: env %q: %s; write the directory again with weld vendor", filepath.Join(dir, export.VendorInfoFile), e, why)
		}
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	scratch, err := atomicfile.MkdirTemp(os.TempDir(), "weld-vendored")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	var out []Binary
	for _, t := range v.Targets {
		cgo := "0"
		if info.Cgo {
			if t != target.Host() {
				return nil, fmt.Errorf("building %s: the vendored composition uses cgo, which weld cross-compiles only from a manifest", t)
			}
			cgo = "1"
		}
		bin := Binary{Target: t, Path: Path(v.OutDir, info.Name, t), Cgo: info.Cgo}
		env := append(append([]string(nil), info.Env...), "CGO_ENABLED="+cgo, "GOPROXY=off", "GOFLAGS=-mod=vendor")
		done := v.Steps.Start("compiling", t.String()+" (vendored)")
		err := v.Go.Build(ctx, gobuild.Request{Dir: absDir, Package: info.Main, ScratchDir: scratch, Target: t,
			Tags: info.Tags, Ldflags: info.Ldflags, Env: env, Output: bin.Path, ModFlag: "-mod=vendor"})
		done()
		if err != nil {
			return nil, fmt.Errorf("building %s from %s: %w", t, dir, err)
		}
		out = append(out, bin)
	}
	return out, nil
}
