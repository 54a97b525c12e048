// Package export writes a composition out as source trees that build
// without weld's help: a vendor directory (weld vendor, built offline by
// weld build --vendor). The Nix flake export lives in internal/nix.
package export

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/modfiles"
	"github.com/weldgo/weld/internal/outdir"
	"github.com/weldgo/weld/internal/spec"
)

// VendorOptions is what Vendor needs of a resolved composition.
type VendorOptions struct {
	Comp *compose.Composition
	// Go runs go mod vendor, with the composition's toolchain.
	Go gobuild.GoCommand
	// Cgo says whether the host build of the composition uses cgo; the
	// vendored tree records it for weld build --vendor.
	Cgo bool
	// Start begins a progress step; nil prints nothing.
	Start func(name, detail string) (done func())
}

// VendorInfoFile describes a vendored composition, so that building it
// needs nothing but the directory.
const VendorInfoFile = "weld-vendor.json"

// VendorInfo is the content of VendorInfoFile.
type VendorInfo struct {
	Name    string   `json:"name"`
	Main    string   `json:"main"`
	Cgo     bool     `json:"cgo"`
	Tags    []string `json:"tags,omitempty"`
	Ldflags string   `json:"ldflags,omitempty"`
	Env     []string `json:"env,omitempty"`
}

// VendorOutput is the rule for weld vendor's directory: weld vendor
// replaces only its own earlier output (or an empty directory), never the
// project or a directory of someone else's.
func VendorOutput(sp *spec.Spec) outdir.Rule {
	return outdir.Rule{Command: "weld vendor", Flag: "-o", Protected: outdir.ProjectDirs(sp),
		Legacy: func(root *os.Root) bool {
			// Before markers, weld vendor's output was known by this file.
			_, err := root.Lstat(VendorInfoFile)
			return err == nil
		}}
}

// Vendor writes the composition's complete sources to dir: the main
// module with its composed go.mod, go.sum and generated file, and a vendor
// directory made by go mod vendor with every dependency, local plugins
// included. dir is written under a temporary name and renamed, and only
// as VendorOutput allows.
func Vendor(ctx context.Context, o VendorOptions, dir string) error {
	c := o.Comp
	if o.Start == nil {
		o.Start = func(string, string) func() { return func() {} }
	}
	out, err := VendorOutput(c.Spec).Begin(dir)
	if err != nil {
		return err
	}
	defer out.Abort()
	tmp := out.Tmp
	// The app's own vendor directory is replaced by go mod vendor's, and
	// the output may sit inside the app (./dist/vendor).
	final, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := modfiles.Copy(c.BuildDir, tmp, filepath.Join(c.BuildDir, "vendor"), tmp, final); err != nil {
		return fmt.Errorf("copying %s: %w", c.BuildDir, err)
	}
	links, err := writeComposedFiles(c, tmp)
	if err != nil {
		return err
	}
	done := o.Start("vendoring", dir)
	_, err = o.Go.Run(ctx, gobuild.Call{Dir: tmp, Args: []string{"mod", "vendor"}, Env: []string{"GOFLAGS=-mod=mod"}})
	done()
	if err != nil {
		return fmt.Errorf("go mod vendor: %w", err)
	}
	// The links served go mod vendor only: a vendored build reads vendor/.
	if err := os.RemoveAll(links); err != nil {
		return err
	}
	sp := c.Spec
	tags, ldflags, err := c.BuildFlags()
	if err != nil {
		return err
	}
	info, _ := json.MarshalIndent(VendorInfo{Name: sp.Name, Main: c.MainPackage, Cgo: o.Cgo,
		Tags: tags, Ldflags: ldflags, Env: sp.Build.Env}, "", "  ")
	if err := os.WriteFile(filepath.Join(tmp, VendorInfoFile), append(info, '\n'), 0o644); err != nil {
		return err
	}
	return out.Commit()
}

var replaceDir = regexp.MustCompile(`(?m)^(replace\s+\S+(?:\s+v\S+)?\s+=>\s+|\t\S+(?:\s+v\S+)?\s+=>\s+)(\.{1,2}/\S+)\s*$`)

// writeComposedFiles writes the composed go.mod, go.sum and generated file
// into the copy. Directory replacements are pointed at links under
// .weld-local, which mirror the original directories for go mod vendor;
// the go.mod keeps those stable relative paths.
func writeComposedFiles(c *compose.Composition, dst string) (string, error) {
	links := filepath.Join(dst, ".weld-local")
	for name, data := range c.Overlay {
		rel, err := filepath.Rel(c.BuildDir, name)
		if err != nil {
			return "", err
		}
		if rel == "go.mod" {
			var linkErr error
			data = replaceDir.ReplaceAllFunc(data, func(line []byte) []byte {
				m := replaceDir.FindSubmatch(line)
				target := filepath.Join(c.BuildDir, filepath.FromSlash(string(m[2])))
				link := filepath.Join(links, strings.NewReplacer("/", "_", ".", "_").Replace(string(m[2])))
				if err := os.MkdirAll(links, 0o755); err != nil {
					linkErr = err
				}
				if err := os.Symlink(target, link); err != nil && !os.IsExist(err) {
					linkErr = err
				}
				return append(append([]byte(nil), m[1]...), "./.weld-local/"+filepath.Base(link)...)
			})
			if linkErr != nil {
				return "", linkErr
			}
		}
		if err := os.WriteFile(filepath.Join(dst, rel), data, 0o644); err != nil {
			return "", err
		}
	}
	return links, nil
}
