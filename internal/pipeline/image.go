package pipeline

import (
	"context"
	"crypto"
	"fmt"

	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/image"
	"github.com/weldgo/weld/internal/pack"
	"github.com/weldgo/weld/internal/publish"
)

// ImageResult is what BuildImage made and where it went.
type ImageResult struct {
	Images []image.Built
	Index  string   // the index's digest when there are several images
	Wrote  []string // "layout DIR", "tarball FILE", "pushed REPO@DIGEST"
	// Attached are the tags of the SBOMs, attestations and signatures
	// beside the images (not in a docker tarball, which holds one image).
	Attached []string
}

// BuildImage builds the composition for o.Targets, as Build does, makes
// an OCI image of each binary (an image index when there are several),
// and publishes it to dest.
func BuildImage(ctx context.Context, o Options, dest publish.Destinations) (*ImageResult, error) {
	for _, t := range o.Targets {
		if t.OS != "linux" {
			return nil, fmt.Errorf("building image for %s: images are built for Linux targets only", t)
		}
	}
	settings := image.Settings(o.Spec)
	tags, err := image.Tags(settings, o.Spec)
	if err != nil {
		return nil, err
	}
	dest.Spec, dest.OutDir = o.Spec, o.outDir()
	if err := dest.Check(o.Targets); err != nil {
		return nil, err
	}
	res := &ImageResult{}
	_, err = buildThen(ctx, o, func(s *Session, arts []Artifact) error {
		// The labels describe the composition the binaries were built
		// from; after a build served from the cache it is restored.
		if err := s.composition(ctx); err != nil {
			return err
		}
		if err := s.commitLock(); err != nil {
			return err
		}
		created, err := pack.Epoch(s.opts.Go.Getenv)
		if err != nil {
			return err
		}
		bins := make([]build.Binary, len(arts))
		for i, a := range arts {
			bins[i] = a.Binary
		}
		ib := &image.Builder{Spec: o.Spec, Comp: s.Comp, Tools: s.tools, Steps: o.Steps,
			Settings: settings, Created: created, Net: dest.Network()}
		art, built, err := ib.All(ctx, bins)
		if err != nil {
			return err
		}
		res.Images = built
		repository, err := dest.Repository(settings.Name)
		if err != nil {
			return err
		}
		var signer crypto.Signer
		if o.SignKey != nil {
			signer = o.SignKey.Signer
		}
		if art.Attachments, err = s.attachments(arts, built, art, settings.Name, signer, repository); err != nil {
			return fmt.Errorf("attaching SBOMs, provenance and signatures: %w", err)
		}
		for _, at := range art.Attachments {
			res.Attached = append(res.Attached, at.Tag)
		}
		if art.Index != nil {
			d, err := art.Index.Digest()
			if err != nil {
				return err
			}
			res.Index = d.String()
		}
		res.Wrote, err = dest.Publish(ctx, art, settings.Name, tags)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
