package oci

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// LayoutPrefix starts a base image read from a local OCI layout:
// oci-layout:DIR, or oci-layout:DIR@sha256:... for one entry of it.
const LayoutPrefix = "oci-layout:"

// BaseImage returns the image for platform p that ref names: nil for
// "scratch" or "", an image of a local OCI layout (oci-layout:DIR[@DIGEST]),
// or an image pulled from a registry with the credentials of the standard
// Docker config file, over the connections net allows. From an index, the
// image of the platform is chosen.
func BaseImage(ctx context.Context, ref string, p v1.Platform, net Network) (v1.Image, error) {
	switch {
	case ref == "" || ref == "scratch":
		return nil, nil
	case strings.HasPrefix(ref, LayoutPrefix):
		dir, digest, _ := strings.Cut(strings.TrimPrefix(ref, LayoutPrefix), "@")
		img, err := layoutImage(dir, digest, p)
		if err != nil {
			return nil, fmt.Errorf("base image %s: %w", ref, err)
		}
		return img, nil
	}
	r, err := name.ParseReference(ref, net.NameOptions(ref)...)
	if err != nil {
		return nil, fmt.Errorf("base image %s: %w", ref, err)
	}
	img, err := remote.Image(r, append(net.RemoteOptions(ctx), remote.WithPlatform(p))...)
	if err != nil {
		return nil, fmt.Errorf("base image %s: %w", ref, err)
	}
	if err := checkPlatform(img, p); err != nil {
		return nil, fmt.Errorf("base image %s: %w", ref, err)
	}
	return img, nil
}

// layoutImage finds the image for p in the layout at dir, under the entry
// with the digest when one is given.
func layoutImage(dir, digest string, p v1.Platform) (v1.Image, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	var found []v1.Image
	var seen []string
	if err := collect(idx, digest, p, 0, &found, &seen); err != nil {
		return nil, err
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return nil, fmt.Errorf("%d images for %s; pick one with @sha256:...", len(found), p)
	case len(seen) == 0 && digest != "":
		return nil, fmt.Errorf("no entry %s", digest)
	case len(seen) == 0:
		return nil, fmt.Errorf("the layout holds no image")
	}
	return nil, fmt.Errorf("no image for %s (it has %s)", p, strings.Join(seen, ", "))
}

// collect walks an index (two levels at most: a layout's index.json and
// the image indexes it lists) for images that run on p.
func collect(idx v1.ImageIndex, digest string, p v1.Platform, depth int, found *[]v1.Image, seen *[]string) error {
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, d := range im.Manifests {
		if digest != "" && d.Digest.String() != digest {
			continue
		}
		if IsAttachmentTag(d.Annotations[RefName]) {
			continue // an SBOM or attestation beside an image, not an image to run
		}
		switch {
		case d.MediaType.IsIndex() && depth < 2:
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return err
			}
			if err := collect(child, "", p, depth+1, found, seen); err != nil {
				return err
			}
		case d.MediaType.IsImage():
			img, err := idx.Image(d.Digest)
			if err != nil {
				return err
			}
			have := d.Platform
			if have == nil {
				cf, err := img.ConfigFile()
				if err != nil {
					return err
				}
				have = cf.Platform()
			}
			if have == nil {
				have = &v1.Platform{}
			}
			*seen = append(*seen, have.String())
			if runsOn(*have, p) {
				*found = append(*found, img)
			}
		}
	}
	return nil
}

// runsOn reports whether an image for have runs on want: same OS and
// architecture, and the same variant unless the image names none (arm64's
// v8 is the only arm64 there is).
func runsOn(have, want v1.Platform) bool {
	norm := func(p v1.Platform) string {
		if p.Architecture == "arm64" && p.Variant == "v8" {
			return ""
		}
		return p.Variant
	}
	return have.OS == want.OS && have.Architecture == want.Architecture &&
		(norm(have) == "" || norm(have) == norm(want))
}

func checkPlatform(img v1.Image, p v1.Platform) error {
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	if have := cf.Platform(); have != nil && !runsOn(*have, p) {
		return fmt.Errorf("it is for %s, not %s", have, p)
	}
	return nil
}
