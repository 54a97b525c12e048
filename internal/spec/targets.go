package spec

import (
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// target decodes a targets entry: either OS/ARCH[/VARIANT] or a mapping
// with target: and the C toolchain settings for it.
func (r nodeReader) target(n *yaml.Node) (TargetEntry, error) {
	n = resolve(n)
	t := TargetEntry{Pos: r.pos(n)}
	if n.Kind == yaml.ScalarNode {
		return t, r.str(&t.Name, "a target")(n)
	}
	err := r.fields(n, "a target entry", map[string]func(*yaml.Node) error{
		"target":          r.str(&t.Name, "target"),
		"cc":              r.str(&t.CC, "cc"),
		"cxx":             r.str(&t.CXX, "cxx"),
		"pkg_config_path": r.str(&t.PkgConfigPath, "pkg_config_path"),
		"cgo_cflags":      r.str(&t.CgoCflags, "cgo_cflags"),
		"cgo_ldflags":     r.str(&t.CgoLdflags, "cgo_ldflags"),
		"sysroot": func(n *yaml.Node) error {
			var err error
			t.Sysroot, err = r.sysroot(n, "sysroot")
			return err
		},
	})
	if err == nil && t.Name == "" {
		err = errorf(t.Pos, "a target entry needs target: OS/ARCH, for example linux/arm64")
	}
	return t, err
}

// sysroot decodes a sysroot: a directory, or a mapping naming Debian
// packages (and optionally the archive) or a directory.
func (r nodeReader) sysroot(n *yaml.Node, what string) (Sysroot, error) {
	n = resolve(n)
	sr := Sysroot{Pos: r.pos(n)}
	if n.Kind == yaml.ScalarNode {
		return sr, r.str(&sr.Dir, what)(n)
	}
	err := r.fields(n, what, map[string]func(*yaml.Node) error{
		"dir":        r.str(&sr.Dir, what+".dir"),
		"debian":     r.strList(&sr.Debian, what+".debian"),
		"archive":    r.str(&sr.Archive, what+".archive"),
		"suite":      r.str(&sr.Suite, what+".suite"),
		"components": r.strList(&sr.Components, what+".components"),
	})
	if err == nil && sr.Dir != "" && len(sr.Debian) > 0 {
		err = errorf(sr.Pos, "%s has both dir and debian; use a directory you provide or Debian packages weld fetches, not both", what)
	}
	return sr, err
}

// outputs decodes the outputs section:
//
//	outputs:
//	  archive: true
//	  deb: {maintainer: ..., description: ..., homepage: ...}
func (r nodeReader) outputs(n *yaml.Node) (Outputs, error) {
	o := Outputs{Pos: r.pos(resolve(n))}
	var archive string
	err := r.fields(n, "outputs", map[string]func(*yaml.Node) error{
		"archive": r.str(&archive, "outputs.archive"),
		"image": func(n *yaml.Node) error {
			var err error
			o.Image, err = r.image(n)
			return err
		},
		"sbom": func(n *yaml.Node) error {
			o.SBOM, o.SBOMPos = []string{}, r.pos(resolve(n))
			return r.strList(&o.SBOM, "outputs.sbom")(n)
		},
		"deb": func(n *yaml.Node) error {
			var err error
			o.Deb, err = r.deb(n)
			return err
		},
	})
	switch strings.ToLower(archive) {
	case "", "false":
	case "true":
		o.Archive = true
	default:
		return o, errorf(o.Pos, "outputs.archive must be true or false, not %q", archive)
	}
	return o, err
}

// image decodes outputs.image.
func (r nodeReader) image(n *yaml.Node) (*ImageOutput, error) {
	img := &ImageOutput{Pos: r.pos(resolve(n))}
	var certs, zone string
	err := r.fields(n, "outputs.image", map[string]func(*yaml.Node) error{
		"name":            r.str(&img.Name, "outputs.image.name"),
		"tags":            r.strList(&img.Tags, "outputs.image.tags"),
		"base":            r.str(&img.Base, "outputs.image.base"),
		"path":            r.str(&img.Path, "outputs.image.path"),
		"entrypoint":      r.strList(&img.Entrypoint, "outputs.image.entrypoint"),
		"cmd":             r.strList(&img.Cmd, "outputs.image.cmd"),
		"env":             r.env(&img.Env, "outputs.image.env"),
		"ports":           r.strList(&img.Ports, "outputs.image.ports"),
		"user":            r.str(&img.User, "outputs.image.user"),
		"workdir":         r.str(&img.Workdir, "outputs.image.workdir"),
		"labels":          r.env(&img.Labels, "outputs.image.labels"),
		"ca_certificates": r.str(&certs, "outputs.image.ca_certificates"),
		"zoneinfo":        r.str(&zone, "outputs.image.zoneinfo"),
		"files": r.seq("outputs.image.files", func(n *yaml.Node) error {
			f := ImageFile{Pos: r.pos(resolve(n))}
			if err := r.fields(n, "an image file entry", map[string]func(*yaml.Node) error{
				"src": r.str(&f.Src, "src"),
				"dst": r.str(&f.Dst, "dst"),
			}); err != nil {
				return err
			}
			if f.Src == "" || !strings.HasPrefix(f.Dst, "/") {
				return errorf(f.Pos, "an image file entry needs src: (a path on this machine) and dst: (an absolute path in the image)")
			}
			img.Files = append(img.Files, f)
			return nil
		}),
	})
	if err != nil {
		return nil, err
	}
	for _, b := range []struct {
		v   string
		dst *bool
		key string
	}{{certs, &img.CACerts, "ca_certificates"}, {zone, &img.Zoneinfo, "zoneinfo"}} {
		switch strings.ToLower(b.v) {
		case "", "false":
		case "true":
			*b.dst = true
		default:
			return nil, errorf(img.Pos, "outputs.image.%s must be true or false, not %q", b.key, b.v)
		}
	}
	return img, nil
}
