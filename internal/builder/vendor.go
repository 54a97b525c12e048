package builder

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/weldgo/weld/internal/export"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// BuildVendored builds a directory written by Vendor with -mod=vendor and
// no network: GOPROXY=off, so a missing file is an error, not a download.
func BuildVendored(ctx context.Context, o Options, dir string) ([]Artifact, error) {
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
	scratch, err := os.MkdirTemp("", "weld-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	var out []Artifact
	for _, t := range o.Targets {
		cgo := "0"
		if info.Cgo {
			if t != target.Host() {
				return nil, fmt.Errorf("building %s: the vendored composition uses cgo, which weld cross-compiles only from a manifest", t)
			}
			cgo = "1"
		}
		a := artifactAt(outDirOf(o), info.Name, t)
		env := append(append([]string(nil), info.Env...), "CGO_ENABLED="+cgo, "GOPROXY=off", "GOFLAGS=-mod=vendor")
		done := o.Steps.Start("compiling", t.String()+" (vendored)")
		err := o.Go.Build(ctx, gobuild.Request{Dir: absDir, Package: info.Main, ScratchDir: scratch, Target: t,
			Tags: info.Tags, Ldflags: info.Ldflags, Env: env, Output: a.Path, ModFlag: "-mod=vendor"})
		done()
		if err != nil {
			return nil, fmt.Errorf("building %s from %s: %w", t, dir, err)
		}
		out = append(out, a)
	}
	return out, nil
}
