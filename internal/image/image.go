// Package image is the image stage: the built binaries and the
// composition they were built from in, one OCI image per target out (with
// the shared libraries each binary loads, certificates, time zones and
// the manifest's files, and labels that record the composition).
// Publishing the images is the publish stage's job.
package image

import (
	"context"
	"fmt"
	"runtime"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"

	"github.com/weldgo/weld/internal/artifact/oci"
	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// Built is the image of one target.
type Built struct {
	Target target.Target
	Digest string
	Size   int64 // compressed size of its layers
	// Added lists what the image holds beside the program, and why.
	Added []oci.File
}

// Builder makes the images of one build.
type Builder struct {
	Spec  *spec.Spec
	Comp  *compose.Composition
	Tools *toolchain.Resolver
	Steps *progress.Steps
	// Settings are the manifest's image settings with their defaults
	// (see Settings).
	Settings *spec.ImageOutput
	Created  time.Time
	Net      oci.Network
}

// All makes one image per binary, in parallel, and reports what each
// holds. With several binaries the result is an image index.
func (ib *Builder) All(ctx context.Context, bins []build.Binary) (oci.Artifact, []Built, error) {
	built := make([]Built, len(bins))
	images := make([]v1.Image, len(bins))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, b := range bins {
		g.Go(func() error {
			done := ib.Steps.Start("image", b.Target.String())
			defer done()
			var err error
			images[i], built[i], err = ib.image(gctx, b)
			if err != nil {
				return fmt.Errorf("building image for %s: %w", b.Target, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return oci.Artifact{}, nil, err
	}
	for _, bi := range built {
		ib.Steps.Note(fmt.Sprintf("%s image %s (%d bytes compressed) holds:", bi.Target, bi.Digest, bi.Size))
		ib.Steps.Note(fmt.Sprintf("  %-48s %s", ib.Settings.Path, "the program, built for "+bi.Target.String()))
		for _, line := range oci.Report(bi.Added) {
			ib.Steps.Note("  " + line)
		}
	}
	if len(images) == 1 {
		return oci.Artifact{Image: images[0]}, built, nil
	}
	var platforms []v1.Platform
	for _, b := range bins {
		platforms = append(platforms, oci.Platform(b.Target.OS, b.Target.Arch, b.Target.Variant))
	}
	idx, err := oci.Index(images, platforms)
	return oci.Artifact{Index: idx}, built, err
}

// image builds one target's image.
func (ib *Builder) image(ctx context.Context, a build.Binary) (v1.Image, Built, error) {
	img, created, net := ib.Settings, ib.Created, ib.Net
	bi := Built{Target: a.Target}
	p := oci.Platform(a.Target.OS, a.Target.Arch, a.Target.Variant)
	base, err := oci.BaseImage(ctx, img.Base, p, net)
	if err != nil {
		return nil, bi, err
	}
	dynamic, err := oci.Dynamic(a.Path)
	if err != nil {
		return nil, bi, err
	}
	if dynamic {
		dirs, libDir, err := ib.Tools.LibraryDirs(ctx, a.Target)
		if err != nil {
			return nil, bi, err
		}
		if bi.Added, err = oci.Closure(a.Path, dirs, libDir); err != nil {
			return nil, bi, fmt.Errorf("shared library %w", err)
		}
	}
	extra, err := imageFiles(img)
	if err != nil {
		return nil, bi, err
	}
	bi.Added = append(bi.Added, extra...)
	labels, err := ib.labels(a.Target)
	if err != nil {
		return nil, bi, err
	}
	im, err := oci.Build(oci.Spec{
		Platform: p, Base: base, BaseName: img.Base, Binary: a.Path, BinaryPath: img.Path, Files: bi.Added,
		Created: created, Config: oci.Config{Entrypoint: img.Entrypoint, Cmd: img.Cmd, Env: img.Env,
			Ports: img.Ports, User: img.User, Workdir: img.Workdir, Labels: labels},
	})
	if err != nil {
		return nil, bi, err
	}
	if err := ctx.Err(); err != nil {
		return nil, bi, err
	}
	d, err := im.Digest()
	if err != nil {
		return nil, bi, err
	}
	bi.Digest = d.String()
	m, err := im.Manifest()
	if err != nil {
		return nil, bi, err
	}
	for _, l := range m.Layers {
		bi.Size += l.Size
	}
	return im, bi, nil
}

// imageFiles returns the certificates, time zones and extra files the
// manifest asks for.
func imageFiles(img *spec.ImageOutput) ([]oci.File, error) {
	var out []oci.File
	add := func(src, dst, reason string, skipDirLinks bool) error {
		files, err := oci.Tree(src, dst, reason, skipDirLinks)
		if err != nil {
			return fmt.Errorf("%s: %w", reason, err)
		}
		out = append(out, files...)
		return nil
	}
	if img.CACerts {
		const bundle = "/etc/ssl/certs/ca-certificates.crt"
		if err := add(bundle, bundle, "ca_certificates: true", false); err != nil {
			return nil, fmt.Errorf("%w (on Debian: apt-get install ca-certificates)", err)
		}
	}
	if img.Zoneinfo {
		const zi = "/usr/share/zoneinfo"
		if err := add(zi, zi, "zoneinfo: true", true); err != nil {
			return nil, fmt.Errorf("%w (on Debian: apt-get install tzdata)", err)
		}
	}
	for _, f := range img.Files {
		if err := add(f.Src, f.Dst, "outputs.image.files at "+f.Pos.String(), false); err != nil {
			return nil, err
		}
	}
	return out, nil
}
