// Package publish is the last stage: it puts a built image (or image
// index) where the user asked — an OCI layout directory, a docker-loadable
// tarball, a registry — after checking, before anything is built, that
// each destination may be written.
package publish

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/weldgo/weld/internal/artifact/oci"
	"github.com/weldgo/weld/internal/outdir"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// Destinations say where an image goes. With none set it goes to an OCI
// layout at <OutDir>/<name>-image.
type Destinations struct {
	Layout  string // an OCI layout directory, replaced on every run
	Tarball string // a docker-loadable tarball (one target only)
	Push    string // a registry repository, or repository:tag
	// Insecure names registry hosts that may be spoken to over plain
	// http (without credentials); loopback registries always may.
	Insecure []string

	// Spec and OutDir place the default layout and protect the project's
	// directories from being replaced.
	Spec   *spec.Spec
	OutDir string
}

// Network is how registries are reached.
func (d Destinations) Network() oci.Network { return oci.Network{Insecure: d.Insecure} }

// Check refuses, before anything is built, a destination that cannot
// take the images of targets: a tarball that is not weld's to replace or
// that would need several images, or a layout directory that is not weld
// image's.
func (d Destinations) Check(targets []target.Target) error {
	if d.Tarball != "" {
		if err := oci.CheckTarballFile(d.Tarball); err != nil {
			return err
		}
		if len(targets) > 1 {
			var names []string
			for _, t := range targets {
				names = append(names, t.String())
			}
			return fmt.Errorf("--tarball: a docker tarball holds one image, and %d targets were asked for (%s); pick one with --target, or write them all with --layout or --push", len(targets), strings.Join(names, ", "))
		}
	}
	if dir := d.layoutDir(); dir != "" {
		return d.layoutRule().Check(dir)
	}
	return nil
}

// Publish writes art to every destination, tagged with tags (image is the
// image's name, for the tarball's references), and says where it went:
// "layout DIR", "tarball FILE", "pushed REPO@DIGEST".
func (d Destinations) Publish(ctx context.Context, art oci.Artifact, image string, tags []string) ([]string, error) {
	pubs, err := d.publishers(image, tags)
	if err != nil {
		return nil, err
	}
	var wrote []string
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
		wrote = append(wrote, where)
	}
	return wrote, nil
}

// Repository is the name a signature gives the image it signs: the
// repository pushed to, or, for a layout or tarball alone, the image's
// name.
func (d Destinations) Repository(image string) (string, error) {
	if d.Push == "" {
		return image, nil
	}
	return oci.Registry{Ref: d.Push, Net: d.Network()}.Repository()
}

// layoutRule is the rule for the layout directory: weld image replaces
// only its own earlier layout, or an empty directory.
func (d Destinations) layoutRule() outdir.Rule {
	r := outdir.Rule{Command: oci.LayoutCommand, Protected: outdir.ProjectDirs(d.Spec)}
	if d.Layout != "" {
		r.Flag = "--layout"
	}
	return r
}

// layoutDir is where the layout goes: --layout, or the default when no
// destination is given.
func (d Destinations) layoutDir() string {
	if d.Layout == "" && d.Tarball == "" && d.Push == "" {
		return filepath.Join(d.OutDir, d.Spec.Name+"-image")
	}
	return d.Layout
}

func (d Destinations) publishers(image string, tags []string) ([]oci.Publisher, error) {
	var pubs []oci.Publisher
	if dir := d.layoutDir(); dir != "" {
		pubs = append(pubs, oci.Layout{Dir: dir, Tags: tags, Rule: d.layoutRule()})
	}
	if d.Tarball != "" {
		var refs []name.Tag
		for _, t := range tags {
			ref, err := name.NewTag(image + ":" + t)
			if err != nil {
				return nil, err
			}
			refs = append(refs, ref)
		}
		pubs = append(pubs, oci.Tarball{File: d.Tarball, Tags: refs})
	}
	if d.Push != "" {
		pubs = append(pubs, oci.Registry{Ref: d.Push, Tags: tags, Net: d.Network()})
	}
	return pubs, nil
}
