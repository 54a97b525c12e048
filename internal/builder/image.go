package builder

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"

	"github.com/weldgo/weld/internal/artifact/oci"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/outdir"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// ImageOptions says where weld image puts the image. With none set it
// writes an OCI layout to <OutDir>/<name>-image.
type ImageOptions struct {
	Layout  string // an OCI layout directory, replaced on every run
	Tarball string // a docker-loadable tarball (one target only)
	Push    string // a registry repository, or repository:tag
	// Insecure names registry hosts that may be spoken to over plain
	// http (without credentials); loopback registries always may.
	Insecure []string
}

// BuiltImage is the image of one target.
type BuiltImage struct {
	Target gobuild.Target
	Digest string
	Size   int64 // compressed size of its layers
	// Added lists what the image holds beside the program, and why.
	Added []oci.File
}

// ImageResult is what BuildImage made and where it went.
type ImageResult struct {
	Images []BuiltImage
	Index  string   // the index's digest when there are several images
	Wrote  []string // "layout DIR", "tarball FILE", "pushed REPO@DIGEST"
}

// BuildImage builds the composition for o.Targets, as Build does, and
// makes an OCI image of each binary (an image index when there are
// several), which it writes where out says.
func BuildImage(ctx context.Context, o Options, out ImageOptions) (*ImageResult, error) {
	for _, t := range o.Targets {
		if t.OS != "linux" {
			return nil, fmt.Errorf("building image for %s: images are built for Linux targets only", t)
		}
	}
	if out.Tarball != "" {
		if err := oci.CheckTarballFile(out.Tarball); err != nil {
			return nil, err
		}
	}
	if out.Tarball != "" && len(o.Targets) > 1 {
		return nil, fmt.Errorf("--tarball: a docker tarball holds one image, and %d targets were asked for (%s); pick one with --target, or write them all with --layout or --push", len(o.Targets), targetList(o.Targets))
	}
	img := imageOutput(o.Spec)
	tags, err := imageTags(img, o.Spec)
	if err != nil {
		return nil, err
	}
	// Refuse a layout directory that is not weld image's before building.
	if dir := layoutDir(o, out); dir != "" {
		if err := layoutOutput(o, out).Check(dir); err != nil {
			return nil, err
		}
	}
	s, err := newSession(o)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	// The session keeps the lock the binaries were built from: its
	// sysroot pins select the libraries that go into the images.
	arts, err := s.build(ctx)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	// The composition the binaries were built from describes them in
	// the labels; after a build served from the cache it is restored.
	comp, err := s.composition(ctx)
	if err != nil {
		return nil, err
	}
	created, err := s.packageEpoch()
	if err != nil {
		return nil, err
	}
	net := oci.Network{Insecure: out.Insecure}
	res := &ImageResult{Images: make([]BuiltImage, len(arts))}
	images := make([]v1.Image, len(arts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, a := range arts {
		g.Go(func() error {
			done := o.Steps.Start("image", a.Target.String())
			defer done()
			var err error
			images[i], res.Images[i], err = s.image(gctx, comp, a, img, created, net)
			if err != nil {
				return fmt.Errorf("building image for %s: %w", a.Target, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, bi := range res.Images {
		o.Steps.Note(fmt.Sprintf("%s image %s (%d bytes compressed) holds:", bi.Target, bi.Digest, bi.Size))
		o.Steps.Note(fmt.Sprintf("  %-48s %s", img.Path, "the program, built for "+bi.Target.String()))
		for _, line := range oci.Report(bi.Added) {
			o.Steps.Note("  " + line)
		}
	}
	art := oci.Artifact{Image: images[0]}
	if len(images) > 1 {
		var platforms []v1.Platform
		for _, a := range arts {
			platforms = append(platforms, oci.Platform(a.Target.OS, a.Target.Arch, a.Target.Variant))
		}
		if art.Index, err = oci.Index(images, platforms); err != nil {
			return nil, err
		}
		art.Image = nil
		d, err := art.Index.Digest()
		if err != nil {
			return nil, err
		}
		res.Index = d.String()
	}
	pubs, err := publishers(o, out, img, tags, net)
	if err != nil {
		return nil, err
	}
	for _, p := range pubs {
		// Publishing compresses every layer, which takes seconds; a
		// stopped build publishes nothing more.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		where, err := p.Publish(ctx, art)
		if err != nil {
			return nil, err
		}
		res.Wrote = append(res.Wrote, where)
	}
	return res, nil
}

// image builds one target's image.
func (s *Session) image(ctx context.Context, comp *compose.Composition, a Artifact, img *spec.ImageOutput, created time.Time, net oci.Network) (v1.Image, BuiltImage, error) {
	bi := BuiltImage{Target: a.Target}
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
		dirs, libDir, err := s.libraryDirs(ctx, a.Target)
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
	labels, err := s.imageLabels(comp, a, img, created)
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

// libraryDirs returns where a target's shared libraries are searched, in
// order, and the directory they go to in the image: the target's Debian
// sysroot and sysroot directory, then the C toolchain's own libraries
// (libc, libstdc++, libgcc_s: /usr/<triplet>/lib for Debian's cross
// compilers), and for the host target the host's library directories.
//
// The multiarch triplet is the one of the target's package architecture:
// the directories a system that installs the target's packages has.
func (s *Session) libraryDirs(ctx context.Context, t gobuild.Target) ([]string, string, error) {
	f, ok := t.Facts()
	if !ok || f.Triplet == "" {
		return nil, "", fmt.Errorf("no library directories known for %s", t)
	}
	triplet := f.Triplet
	var dirs []string
	tree := func(root string) {
		for _, d := range []string{"lib/" + triplet, "usr/lib/" + triplet, "lib", "usr/lib"} {
			dirs = append(dirs, filepath.Join(root, d))
		}
	}
	sr, err := s.sysrootFor(ctx, t)
	if err != nil {
		return nil, "", err
	}
	if sr != nil {
		tree(sr.Dir)
	}
	tc := s.toolchainFor(ctx, t)
	if d := tc.Settings.Sysroot.Dir; d != "" {
		tree(d)
	}
	if tc.Problem == "" && tc.CC != "" {
		dirs = append(dirs, compilerLibDirs(ctx, tc.CC)...)
	}
	if t == target.Host() {
		tree("/")
		dirs = append(dirs, "/lib64", "/usr/lib64")
	} else {
		dirs = append(dirs, filepath.Join("/usr", triplet, "lib"))
	}
	return dirs, "/usr/lib/" + triplet, nil
}

// compilerLibDirs asks the C compiler where its runtime libraries are.
func compilerLibDirs(ctx context.Context, cc string) []string {
	argv := strings.Fields(cc)
	var dirs []string
	for _, lib := range []string{"libc.so.6", "libstdc++.so.6", "libgcc_s.so.1"} {
		out, err := exec.CommandContext(ctx, argv[0], append(argv[1:], "-print-file-name="+lib)...).Output()
		p := strings.TrimSpace(string(out))
		if err != nil || !filepath.IsAbs(p) {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			dirs = append(dirs, filepath.Dir(filepath.Clean(p)))
		}
	}
	return dirs
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

// layoutOutput is the rule for the layout directory: weld image replaces
// only its own earlier layout, or an empty directory.
func layoutOutput(o Options, out ImageOptions) outdir.Rule {
	r := outdir.Rule{Command: oci.LayoutCommand, Protected: outdir.ProjectDirs(o.Spec)}
	if out.Layout != "" {
		r.Flag = "--layout"
	}
	return r
}

// layoutDir is where the layout goes: --layout, or the default when no
// destination is given.
func layoutDir(o Options, out ImageOptions) string {
	if out.Layout == "" && out.Tarball == "" && out.Push == "" {
		return filepath.Join(outDirOf(o), o.Spec.Name+"-image")
	}
	return out.Layout
}

// publishers are the destinations io names, or the default layout.
func publishers(o Options, out ImageOptions, img *spec.ImageOutput, tags []string, net oci.Network) ([]oci.Publisher, error) {
	var pubs []oci.Publisher
	if dir := layoutDir(o, out); dir != "" {
		pubs = append(pubs, oci.Layout{Dir: dir, Tags: tags, Rule: layoutOutput(o, out)})
	}
	if out.Tarball != "" {
		var refs []name.Tag
		for _, t := range tags {
			ref, err := name.NewTag(img.Name + ":" + t)
			if err != nil {
				return nil, err
			}
			refs = append(refs, ref)
		}
		pubs = append(pubs, oci.Tarball{File: out.Tarball, Tags: refs})
	}
	if out.Push != "" {
		pubs = append(pubs, oci.Registry{Ref: out.Push, Tags: tags, Net: net})
	}
	return pubs, nil
}

func targetList(ts []gobuild.Target) string {
	var names []string
	for _, t := range ts {
		names = append(names, t.String())
	}
	return strings.Join(names, ", ")
}
