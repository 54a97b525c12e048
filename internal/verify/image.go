package verify

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/weldgo/weld/internal/artifact/oci"
	"github.com/weldgo/weld/internal/image"
	"github.com/weldgo/weld/internal/inspect"
)

// IsImage says whether src names an OCI image rather than a file: an OCI
// layout directory, a docker tarball (.tar), or, when no such file
// exists here, a registry reference that names its registry, such as
// 127.0.0.1:5000/app:1.0 or registry.example/app@sha256:….
func IsImage(src string) bool {
	fi, err := os.Stat(src)
	switch {
	case err == nil && fi.IsDir():
		_, err := os.Stat(filepath.Join(src, "oci-layout"))
		return err == nil
	case err == nil:
		return strings.HasSuffix(src, ".tar")
	}
	// Only a reference that names its registry (a host with a dot or a
	// port, or localhost): a mistyped file path must not send weld to
	// Docker Hub.
	host, _, ok := strings.Cut(src, "/")
	if !ok || !(strings.ContainsAny(host, ".:") || host == "localhost") {
		return false
	}
	_, err = name.ParseReference(src)
	return err == nil
}

// platformImage is one platform's image of an index.
type platformImage struct {
	platform string
	img      v1.Image
}

// imageArtifact verifies the program in every platform image of src: its
// bytes against the provenance (the binary's), its composition against
// the lock, and its target against the image's platform. Differences are
// prefixed with the platform.
func imageArtifact(src string, o Options) (*Result, error) {
	is, err := images(src)
	if err != nil {
		return nil, fmt.Errorf("reading the image %s: %w", src, err)
	}
	imgs := is.platforms
	if len(imgs) == 0 {
		return nil, fmt.Errorf("reading the image %s: it holds no image", src)
	}
	tmp, err := os.MkdirTemp("", "weld-verify")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	binPath := image.Settings(o.Spec).Path
	r := &Result{Artifact: src}
	if o.PublicKey != nil {
		diffs, err := is.signatures(o.PublicKey, o.KeyName)
		if err != nil {
			return nil, fmt.Errorf("checking the signatures of %s: %w", src, err)
		}
		r.Differences = append(r.Differences, diffs...)
		r.Checked = append(r.Checked, "signed by "+o.KeyName)
	}
	for _, pi := range imgs {
		// Under its own name, as a rebuild names it.
		dir := filepath.Join(tmp, strings.ReplaceAll(pi.platform, "/", "_"))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, err
		}
		prog, err := extractFile(pi.img, binPath, dir)
		if err == nil {
			named := filepath.Join(dir, filepath.Base(binPath))
			err = os.Rename(prog, named)
			prog = named
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s from the %s image of %s: %w", binPath, pi.platform, src, err)
		}
		sub := &Result{}
		if err := sub.provenance(prog, filepath.Base(binPath), src, o); err != nil {
			return nil, err
		}
		info, err := inspect.Read(prog)
		if err != nil {
			return nil, err
		}
		if info.Target != pi.platform {
			sub.differ("the program is built for %s, the image's platform is %s", info.Target, pi.platform)
		}
		sub.composition(info, o)
		if o.Rebuild != nil {
			diffs, err := o.Rebuild(prog, prog)
			if err != nil {
				return nil, err
			}
			sub.Differences = append(sub.Differences, diffs...)
			sub.Checked = append(sub.Checked, "rebuilt byte for byte")
		}
		for _, d := range sub.Differences {
			r.differ("%s: %s", pi.platform, d)
		}
		r.Checked = append(r.Checked, pi.platform+" "+binPath+" ("+strings.Join(sub.Checked, ", ")+")")
	}
	return r, nil
}

// imageSource is what an image argument holds: its platform images, the
// digests it publishes (an index, or an image), and its attachments by
// tag (sha256-HEX.sig); a docker tarball has neither of the last two.
type imageSource struct {
	platforms  []platformImage
	published  []v1.Hash
	attachment func(tag string) (v1.Image, error)
}

// images reads src: every image an OCI layout's index names (leaving out
// the attachments), the image of a docker tarball, or the image or index
// a registry reference names.
func images(src string) (*imageSource, error) {
	if fi, err := os.Stat(src); err == nil {
		if !fi.IsDir() {
			img, err := tarball.ImageFromPath(src, nil)
			if err != nil {
				return nil, err
			}
			pis, err := withPlatforms([]v1.Image{img})
			return &imageSource{platforms: pis}, err
		}
		return layoutImages(src)
	}
	var net oci.Network
	ref, err := name.ParseReference(src, net.NameOptions(src)...)
	if err != nil {
		return nil, err
	}
	opts := net.RemoteOptions(context.Background())
	desc, err := remote.Get(ref, opts...)
	if err != nil {
		return nil, err
	}
	is := &imageSource{published: []v1.Hash{desc.Digest}, attachment: func(tag string) (v1.Image, error) {
		return remote.Image(ref.Context().Tag(tag), opts...)
	}}
	if desc.MediaType.IsIndex() {
		ii, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		is.platforms, err = fromIndex(ii, func(v1.Descriptor) bool { return true })
		return is, err
	}
	img, err := desc.Image()
	if err != nil {
		return nil, err
	}
	is.platforms, err = withPlatforms([]v1.Image{img})
	return is, err
}

// layoutImages reads an OCI layout: what its index.json tags, each digest
// once, and the attachments it tags.
func layoutImages(dir string) (*imageSource, error) {
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, err
	}
	ii, err := p.ImageIndex()
	if err != nil {
		return nil, err
	}
	im, err := ii.IndexManifest()
	if err != nil {
		return nil, err
	}
	attached := map[string]v1.Hash{}
	seen := map[v1.Hash]bool{}
	is := &imageSource{}
	for _, d := range im.Manifests {
		ref := d.Annotations[oci.RefName]
		switch {
		case oci.IsAttachmentTag(ref):
			attached[ref] = d.Digest
		case !seen[d.Digest]:
			seen[d.Digest] = true
			is.published = append(is.published, d.Digest)
		}
	}
	is.attachment = func(tag string) (v1.Image, error) {
		d, ok := attached[tag]
		if !ok {
			return nil, fmt.Errorf("the layout has no %s", tag)
		}
		return ii.Image(d)
	}
	is.platforms, err = fromIndex(ii, func(d v1.Descriptor) bool { return !oci.IsAttachmentTag(d.Annotations[oci.RefName]) })
	return is, err
}

// fromIndex collects the images of an index and of the indexes it names,
// each once.
func fromIndex(ii v1.ImageIndex, keep func(v1.Descriptor) bool) ([]platformImage, error) {
	im, err := ii.IndexManifest()
	if err != nil {
		return nil, err
	}
	seen := map[v1.Hash]bool{}
	var out []platformImage
	for _, d := range im.Manifests {
		if !keep(d) || seen[d.Digest] {
			continue
		}
		seen[d.Digest] = true
		switch {
		case d.MediaType.IsIndex():
			child, err := ii.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			more, err := fromIndex(child, keep)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		case d.MediaType.IsImage():
			img, err := ii.Image(d.Digest)
			if err != nil {
				return nil, err
			}
			pis, err := withPlatforms([]v1.Image{img})
			if err != nil {
				return nil, err
			}
			out = append(out, pis...)
		}
	}
	return out, nil
}

// withPlatforms names each image's platform from its config.
func withPlatforms(imgs []v1.Image) ([]platformImage, error) {
	var out []platformImage
	for _, img := range imgs {
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		p := cf.OS + "/" + cf.Architecture
		if cf.Variant != "" {
			// OCI's arm variant v7 is GOARM 7.
			p += "/" + strings.TrimPrefix(cf.Variant, "v")
		}
		out = append(out, platformImage{platform: p, img: img})
	}
	return out, nil
}

// extractFile saves the regular file at path in the image's file system
// (its layers flattened) into tmpDir.
func extractFile(img v1.Image, path, tmpDir string) (string, error) {
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	want := strings.TrimPrefix(path, "/")
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return "", fmt.Errorf("the image has no file %s", path)
		}
		if err != nil {
			return "", err
		}
		if strings.TrimPrefix(strings.TrimPrefix(h.Name, "./"), "/") == want && h.Typeflag == tar.TypeReg {
			return save(tr, tmpDir)
		}
	}
}
