// Package oci assembles OCI images of a program without a container
// engine: the program, the shared libraries it loads (see Closure) and any
// extra files, on scratch or on a base image, for one platform each; the
// images of several platforms go into one image index. Publishers write the
// result as an OCI layout directory, a docker-loadable tarball, or push it
// to a registry.
//
// Images are reproducible: the same files and the same creation time give
// the same digests. Layers are written by package archive (sorted entries,
// fixed owners, modes and mtimes, a fixed gzip level and header), the
// config's times are the one time the caller passes, and maps are written
// in key order.
//
// The package knows nothing of weld's builds; it uses go-containerregistry
// but not its daemon package.
package oci

import (
	"fmt"
	"path"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/weldgo/weld/internal/target"
)

// DefaultPath is the PATH of an image whose base sets none.
const DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Spec describes one image.
type Spec struct {
	Platform v1.Platform
	// Base is the image to build on; nil means scratch. BaseName is how
	// the user named it, recorded with its digest in the manifest's
	// org.opencontainers.image.base.* annotations.
	Base     v1.Image
	BaseName string
	// Binary is the program on this machine; BinaryPath is where it goes.
	Binary     string
	BinaryPath string
	// Files go into the layer below the program's: shared libraries,
	// certificates, time zones, extra files.
	Files   []File
	Config  Config
	Created time.Time
}

// Config is the image's run-time configuration.
type Config struct {
	// Entrypoint defaults to the program; Cmd to none.
	Entrypoint []string
	Cmd        []string
	Env        []string // KEY=VALUE; replaces the base's value of KEY
	Ports      []string // 8080/tcp, or 8080 for tcp
	User       string
	Workdir    string
	Labels     map[string]string // added to the base's
}

// Build assembles the image. It has at most two layers over the base's:
// one with s.Files (left out when there are none), then one with the
// program alone, so that a new build of the program changes only the
// top layer and a registry push uploads only that.
func Build(s Spec) (v1.Image, error) {
	if !path.IsAbs(s.BinaryPath) {
		return nil, fmt.Errorf("the program's path in the image, %q, must be absolute", s.BinaryPath)
	}
	all := append([]File{{Path: s.BinaryPath, Reason: "the program"}}, s.Files...)
	if err := checkPaths(all); err != nil {
		return nil, err
	}
	base := s.Base
	layerType := types.OCILayer
	if base == nil {
		base = mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	} else if mt, err := base.MediaType(); err != nil {
		return nil, fmt.Errorf("reading the base image: %w", err)
	} else if mt == types.DockerManifestSchema2 {
		layerType = types.DockerLayer // the layers follow the base's format
	}
	cfg, err := configFile(base, s)
	if err != nil {
		return nil, err
	}
	img, err := mutate.ConfigFile(base, cfg)
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: s.Created.UTC()}
	var adds []mutate.Addendum
	if len(s.Files) > 0 {
		l, err := tarLayer(s.Files, s.Created, s.Base == nil, layerType)
		if err != nil {
			return nil, fmt.Errorf("writing the files layer: %w", err)
		}
		adds = append(adds, mutate.Addendum{Layer: l, MediaType: layerType, History: v1.History{
			Created: created, CreatedBy: "weld image", Comment: fmt.Sprintf("%d files: shared libraries and extra files", len(s.Files))}})
	}
	bin := File{Path: s.BinaryPath, Src: s.Binary, Mode: 0o755}
	l, err := tarLayer([]File{bin}, s.Created, s.Base == nil, layerType)
	if err != nil {
		return nil, fmt.Errorf("writing the program layer: %w", err)
	}
	adds = append(adds, mutate.Addendum{Layer: l, MediaType: layerType, History: v1.History{
		Created: created, CreatedBy: "weld image", Comment: "the program " + s.BinaryPath}})
	if img, err = mutate.Append(img, adds...); err != nil {
		return nil, err
	}
	if s.Base != nil && layerType == types.OCILayer {
		d, err := s.Base.Digest()
		if err != nil {
			return nil, fmt.Errorf("reading the base image: %w", err)
		}
		img = mutate.Annotations(img, map[string]string{
			"org.opencontainers.image.base.name":   s.BaseName,
			"org.opencontainers.image.base.digest": d.String(),
		}).(v1.Image)
	}
	return plainImage{img}, nil
}

// plainImage is an image that is not an artifact: descriptors of it, in
// an index or a layout's index.json, carry no artifactType (which
// go-containerregistry otherwise fills with the config's media type).
type plainImage struct{ v1.Image }

func (plainImage) ArtifactType() (string, error) { return "", nil }

// configFile is the base's configuration with s applied.
func configFile(base v1.Image, s Spec) (*v1.ConfigFile, error) {
	bc, err := base.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the base image's configuration: %w", err)
	}
	cf := bc.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = s.Platform.OS, s.Platform.Architecture, s.Platform.Variant
	cf.OSVersion, cf.OSFeatures = "", nil
	cf.Created = v1.Time{Time: s.Created.UTC()}
	c := &cf.Config
	c.Entrypoint = s.Config.Entrypoint
	if len(c.Entrypoint) == 0 {
		c.Entrypoint = []string{s.BinaryPath}
	}
	c.Cmd = s.Config.Cmd
	c.Env = mergeEnv(c.Env, s.Config.Env)
	if !hasKey(c.Env, "PATH") {
		c.Env = append([]string{DefaultPath}, c.Env...)
	}
	if s.Config.User != "" {
		c.User = s.Config.User
	}
	if s.Config.Workdir != "" {
		c.WorkingDir = s.Config.Workdir
	}
	for _, p := range s.Config.Ports {
		if !strings.Contains(p, "/") {
			p += "/tcp"
		}
		if c.ExposedPorts == nil {
			c.ExposedPorts = map[string]struct{}{}
		}
		c.ExposedPorts[p] = struct{}{}
	}
	for _, k := range sortedKeys(s.Config.Labels) {
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		c.Labels[k] = s.Config.Labels[k]
	}
	return cf, nil
}

// mergeEnv returns base with each KEY=VALUE of add replacing base's KEY,
// in order; new keys are appended.
func mergeEnv(base, add []string) []string {
	out := append([]string(nil), base...)
	for _, kv := range add {
		k, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, old := range out {
			if ok, _, _ := strings.Cut(old, "="); ok == k {
				out[i], replaced = kv, true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

func hasKey(env []string, key string) bool {
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return true
		}
	}
	return false
}

// Index combines images, one per platform, into an OCI image index, in
// the order given.
func Index(images []v1.Image, platforms []v1.Platform) (v1.ImageIndex, error) {
	if len(images) != len(platforms) {
		return nil, fmt.Errorf("making an image index: %d images for %d platforms", len(images), len(platforms))
	}
	adds := make([]mutate.IndexAddendum, len(images))
	for i, img := range images {
		p := platforms[i]
		adds[i] = mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}}
	}
	return mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...), nil
}

// Platform is the OCI platform of GOOS/GOARCH and GOARM, as
// internal/target's table names it ("7" gives variant v7).
func Platform(goos, goarch, goarm string) v1.Platform {
	f, ok := target.Target{OS: goos, Arch: goarch, Variant: goarm}.Facts()
	if !ok {
		return v1.Platform{OS: goos, Architecture: goarch}
	}
	return v1.Platform{OS: goos, Architecture: f.OCIArch, Variant: f.OCIVariant}
}
