// Package pack is the packaging stage: a built Binary in, the archives and
// Debian packages the manifest asks for out (a tar.gz, a zip with the DLLs
// a Windows program needs, a .deb whose Depends come from the libraries
// the binary loads). It reads the target's C side from the toolchain
// stage, never from the build's own state.
package pack

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/artifact/linkdeps"
	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// DefaultEpoch is the timestamp of every packaged file when
// SOURCE_DATE_EPOCH is not set: a constant, so that packages built from
// the same lock are the same bytes whenever they are built. It is the
// earliest time a zip file can hold.
var DefaultEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Epoch is SOURCE_DATE_EPOCH, as getenv has it, or DefaultEpoch.
func Epoch(getenv func(string) string) (time.Time, error) {
	v := getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return DefaultEpoch, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", v)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// Packer makes the packages of one binary and returns their paths.
type Packer interface {
	Pack(ctx context.Context, b build.Binary) ([]string, error)
}

// All packs every binary, in parallel, and returns each one's packages.
func All(ctx context.Context, p Packer, bins []build.Binary) ([][]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]string, len(bins))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range bins {
		g.Go(func() error {
			var err error
			out[i], err = p.Pack(gctx, bins[i])
			return err
		})
	}
	return out, g.Wait()
}

// Writer writes the packages the manifest's outputs ask for.
type Writer struct {
	Spec   *spec.Spec
	OutDir string
	Tools  *toolchain.Resolver
	// MTime is the time of every packaged file.
	MTime time.Time
	// Comp is the composition, whose modules' license files make the
	// .deb's copyright file.
	Comp *compose.Composition

	licenses sync.Map // module directory → []attest.LicenseFile
}

// Wanted says whether the manifest asks for any package.
func (w *Writer) Wanted() bool { return w.Spec.Outputs.Archive || w.Spec.Outputs.Deb != nil }

// Pack makes the outputs the manifest asks for from b.
func (w *Writer) Pack(ctx context.Context, a build.Binary) ([]string, error) {
	out, mtime := w.Spec.Outputs, w.MTime
	var paths []string
	if out.Archive {
		p, err := w.writeArchive(ctx, a, mtime)
		if err != nil {
			return nil, fmt.Errorf("packaging %s: %w", a.Target, err)
		}
		paths = append(paths, p)
	}
	if out.Deb != nil && a.Target.OS == "linux" {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := w.writeDeb(ctx, a, mtime)
		if err != nil {
			return nil, fmt.Errorf("packaging %s as .deb: %w", a.Target, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// archiveBase is name_version_os_arch[v7], the stem of archive names.
func (w *Writer) archiveBase(t target.Target) string {
	sp := w.Spec
	version := sp.Version
	if version == "" {
		version = "0.0.0"
	}
	arch := t.Arch
	if t.Variant != "" {
		arch += "v" + t.Variant
	}
	return fmt.Sprintf("%s_%s_%s_%s", sp.Name, version, t.OS, arch)
}

// writeArchive writes a zip for Windows, with every non-system DLL the
// executable needs beside it, and a tar.gz for other systems.
func (w *Writer) writeArchive(ctx context.Context, a build.Binary, mtime time.Time) (string, error) {
	files := []archive.File{{Name: filepath.Base(a.Path), Mode: 0o755, Src: a.Path}}
	var buf bytes.Buffer
	var name string
	if a.Target.OS == "windows" {
		dlls, err := w.dllBundle(ctx, a)
		if err != nil {
			return "", err
		}
		for _, d := range dlls {
			files = append(files, archive.File{Name: filepath.Base(d), Mode: 0o644, Src: d})
		}
		name = w.archiveBase(a.Target) + ".zip"
		err = archive.WriteZip(&buf, files, mtime)
		if err != nil {
			return "", err
		}
	} else {
		name = w.archiveBase(a.Target) + ".tar.gz"
		if err := archive.WriteTarGz(&buf, files, mtime); err != nil {
			return "", err
		}
	}
	path := filepath.Join(w.OutDir, name)
	return path, writeOutput(ctx, path, buf.Bytes())
}

// writeOutput writes a package into the output directory, unless the build
// was stopped while the package was being made: packing a large binary
// takes seconds, and an interrupted build must not write more outputs.
func writeOutput(ctx context.Context, path string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// dllBundle finds the DLLs a Windows executable needs beyond the system's,
// in the C toolchain's directories and the target's sysroot.
func (w *Writer) dllBundle(ctx context.Context, a build.Binary) ([]string, error) {
	dirs, err := w.Tools.DLLDirs(ctx, a.Target)
	if err != nil {
		return nil, err
	}
	return linkdeps.DLLClosure(a.Path, dirs)
}

// debDepends maps each DT_NEEDED library to the Debian package that
// provides it, as the toolchain stage knows for the target.
func (w *Writer) debDepends(ctx context.Context, a build.Binary) ([]string, error) {
	info, err := linkdeps.ELFNeeds(a.Path)
	if err != nil {
		return nil, err
	}
	if info.Static() {
		return nil, nil
	}
	resolve, err := w.Tools.PackageOf(ctx, a.Target)
	if err != nil {
		return nil, err
	}
	return linkdeps.DebDepends(info, resolve)
}
