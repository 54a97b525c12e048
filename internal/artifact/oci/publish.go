package oci

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/outdir"
)

// Artifact is what gets published: one image, or an index of several.
type Artifact struct {
	Image v1.Image
	Index v1.ImageIndex
	// Attachments are written beside it: SBOMs and attestations.
	Attachments []Attachment
}

// Digest is the digest of the image or of the index.
func (a Artifact) Digest() (v1.Hash, error) {
	if a.Index != nil {
		return a.Index.Digest()
	}
	return a.Image.Digest()
}

// A Publisher writes an artifact somewhere and says where.
type Publisher interface {
	Publish(ctx context.Context, a Artifact) (string, error)
}

// RefName is the annotation that names an entry of an OCI layout's index.
const RefName = "org.opencontainers.image.ref.name"

// Layout writes an OCI image layout directory. The directory is written
// fresh and then swapped in, so publishing again replaces the earlier
// layout instead of adding entries to it; Rule says which existing
// directory may be replaced. index.json has one entry per tag, pointing
// at the image or, for several platforms, at the image index.
type Layout struct {
	Dir  string
	Tags []string
	// Rule is weld image's output rule; by default it replaces only an
	// empty directory or a layout that weld image wrote.
	Rule outdir.Rule
}

// LayoutCommand names weld image in the marker of the layouts it writes.
const LayoutCommand = "weld image"

func (l Layout) Publish(_ context.Context, a Artifact) (string, error) {
	if err := l.publish(a); err != nil {
		return "", fmt.Errorf("writing OCI layout %s: %w", l.Dir, err)
	}
	return "layout " + l.Dir, nil
}

func (l Layout) publish(a Artifact) error {
	rule := l.Rule
	if rule.Command == "" {
		rule.Command = LayoutCommand
	}
	out, err := rule.Begin(l.Dir)
	if err != nil {
		return err
	}
	defer out.Abort()
	p, err := layout.Write(out.Tmp, empty.Index)
	if err != nil {
		return err
	}
	tags := l.Tags
	if len(tags) == 0 {
		tags = []string{""}
	}
	// A signed image or index is marked as cosign save marks it, so that
	// cosign verify --local-image finds it beside its signatures.
	kind := ""
	for _, at := range a.Attachments {
		if at.LayoutKind != "" {
			kind = LayoutKindImage
			if a.Index != nil {
				kind = LayoutKindIndex
			}
		}
	}
	for _, tag := range tags {
		annotations := map[string]string{}
		if tag != "" {
			annotations[RefName] = tag
		}
		if kind != "" {
			annotations[LayoutKindAnnotation] = kind
		}
		var opts []layout.Option
		if len(annotations) > 0 {
			opts = append(opts, layout.WithAnnotations(annotations))
		}
		if a.Index != nil {
			err = p.AppendIndex(a.Index, opts...)
		} else {
			err = p.AppendImage(a.Image, opts...)
		}
		if err != nil {
			return err
		}
	}
	for _, at := range a.Attachments {
		annotations := map[string]string{RefName: at.Tag}
		if at.LayoutKind != "" {
			annotations[LayoutKindAnnotation] = at.LayoutKind
		}
		if err := p.AppendImage(at.Image, layout.WithAnnotations(annotations)); err != nil {
			return err
		}
	}
	return out.Commit()
}

// Tarball writes a tarball that docker load (and podman load, and skopeo's
// docker-archive: transport) reads, tagged with each of Tags. It holds one
// image: the format has no room for an index.
type Tarball struct {
	File string
	Tags []name.Tag
}

func (t Tarball) Publish(_ context.Context, a Artifact) (string, error) {
	if a.Image == nil {
		return "", fmt.Errorf("writing tarball %s: a docker tarball holds one image, not an index of several platforms", t.File)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeDockerTar(pw, a.Image, t.Tags)) }()
	if err := atomicfile.WriteFrom(t.File, pr, 0o644); err != nil {
		pr.CloseWithError(err)
		return "", fmt.Errorf("writing tarball %s: %w", t.File, err)
	}
	return "tarball " + t.File, nil
}

// writeDockerTar writes the docker save format (manifest.json, the config
// and one file per layer) the way go-containerregistry's tarball package
// does, with the tags in the order given so that the bytes are the same
// on every run.
func writeDockerTar(w io.Writer, img v1.Image, tags []name.Tag) error {
	cfgName, err := img.ConfigName()
	if err != nil {
		return err
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	entry := tarball.Descriptor{Config: cfgName.String()}
	for _, t := range tags {
		entry.RepoTags = append(entry.RepoTags, t.String())
	}
	tw := tar.NewWriter(w)
	file := func(name string, size int64, r io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o644, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		return err
	}
	if err := file(cfgName.String(), int64(len(cfg)), bytes.NewReader(cfg)); err != nil {
		return err
	}
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		size, err := l.Size()
		if err != nil {
			return err
		}
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		name := d.Hex + ".tar.gz"
		err = file(name, size, rc)
		rc.Close()
		if err != nil {
			return err
		}
		entry.Layers = append(entry.Layers, name)
	}
	m, err := json.Marshal(tarball.Manifest{entry})
	if err != nil {
		return err
	}
	if err := file("manifest.json", int64(len(m)), bytes.NewReader(m)); err != nil {
		return err
	}
	return tw.Close()
}

// Registry pushes to a registry, with the credentials of the standard
// Docker config file ($DOCKER_CONFIG/config.json, ~/.docker/config.json).
// Ref is a repository, pushed once per tag in Tags, or a repository with
// a tag, pushed to that tag alone. Net says which hosts may be spoken to
// over plain http: by default only registries on this machine (localhost,
// 127.0.0.0/8, [::1]).
type Registry struct {
	Ref  string
	Tags []string
	Net  Network
}

func (r Registry) Publish(ctx context.Context, a Artifact) (string, error) {
	refs, err := r.refs()
	if err != nil {
		return "", err
	}
	d, err := a.Digest()
	if err != nil {
		return "", err
	}
	opts := r.Net.RemoteOptions(ctx)
	for _, ref := range refs {
		if a.Index != nil {
			err = remote.WriteIndex(ref, a.Index, opts...)
		} else {
			err = remote.Write(ref, a.Image, opts...)
		}
		if err != nil {
			return "", fmt.Errorf("pushing %s: %w", ref, err)
		}
	}
	for _, at := range a.Attachments {
		ref := refs[0].Context().Tag(at.Tag)
		if err := remote.Write(ref, at.Image, opts...); err != nil {
			return "", fmt.Errorf("pushing %s: %w", ref, err)
		}
	}
	return fmt.Sprintf("pushed %s@%s", refs[0].Context(), d), nil
}

// Repository is the repository pushed to (registry/name, without a tag).
func (r Registry) Repository() (string, error) {
	refs, err := r.refs()
	if err != nil {
		return "", err
	}
	return refs[0].Context().Name(), nil
}

func (r Registry) refs() ([]name.Tag, error) {
	opts := r.Net.NameOptions(r.Ref)
	if repo, err := name.NewRepository(r.Ref, opts...); err == nil {
		if len(r.Tags) == 0 {
			return []name.Tag{repo.Tag(name.DefaultTag)}, nil
		}
		var out []name.Tag
		for _, t := range r.Tags {
			out = append(out, repo.Tag(t))
		}
		return out, nil
	}
	tag, err := name.NewTag(r.Ref, append(opts, name.StrictValidation)...)
	if err != nil {
		return nil, fmt.Errorf("--push %s: not a repository (registry/name) or a tag (registry/name:tag): %w", r.Ref, err)
	}
	return []name.Tag{tag}, nil
}
