package spec

import (
	"fmt"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// Load reads and validates the manifest at file.
func Load(file string) (*Spec, error) {
	data, err := readManifest(file)
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	return Parse(file, dir, data)
}

// Parse decodes and validates manifest data. file names the manifest in
// error positions; dir is the absolute directory that relative paths in the
// manifest are resolved against.
func Parse(file, dir string, data []byte) (*Spec, error) {
	if err := checkText(file, data); err != nil {
		return nil, err
	}
	r := nodeReader{file: file}
	root, err := r.parseDocument(data)
	if err != nil {
		return nil, err
	}
	s := &Spec{File: file, Dir: dir}
	var cgo string
	err = r.fields(root, "the manifest", map[string]func(*yaml.Node) error{
		"name":    r.strAt(&s.Name, &s.NamePos, "name"),
		"version": r.strAt(&s.Version, &s.VersionPos, "version"),
		"app": func(n *yaml.Node) error {
			s.App.Pos = r.pos(n)
			return r.fields(n, "app", r.sourceFields(&s.App.Source, "app", map[string]func(*yaml.Node) error{
				"entry":    r.str(&s.App.Entry, "app.entry"),
				"adapter":  r.strAt(&s.App.Adapter, &s.App.AdapterPos, "app.adapter"),
				"defaults": r.defaults(&s.App),
			}))
		},
		"plugins": r.seq("plugins", func(n *yaml.Node) error {
			p := Plugin{}
			p.Pos = r.pos(n)
			if err := r.fields(n, "a plugin entry", r.sourceFields(&p.Source, "plugin", map[string]func(*yaml.Node) error{
				"targets": r.strList(&p.Targets, "plugin targets"),
				"kind":    r.str(&p.Kind, "plugin kind"),
				"name":    r.str(&p.Name, "plugin name"),
				"before":  r.str(&p.Before, "plugin before"),
				"after":   r.str(&p.After, "plugin after"),
			})); err != nil {
				return err
			}
			s.Plugins = append(s.Plugins, p)
			return nil
		}),
		"build": func(n *yaml.Node) error {
			return r.fields(n, "build", map[string]func(*yaml.Node) error{
				"tags":    r.strList(&s.Build.Tags, "build.tags"),
				"ldflags": r.str(&s.Build.Ldflags, "build.ldflags"),
				"env":     r.checkedEnv(&s.Build.Env, "build.env", checkBuildEnv),
				"cgo":     r.strAt(&cgo, &s.Build.CgoPos, "build.cgo"),
			})
		},
		"targets": r.seq("targets", func(n *yaml.Node) error {
			t, err := r.target(n)
			if err != nil {
				return err
			}
			s.Targets = append(s.Targets, t)
			return nil
		}),
		"sysroot": func(n *yaml.Node) error {
			var err error
			s.Sysroot, err = r.sysroot(n, "sysroot")
			return err
		},
		"nix": func(n *yaml.Node) error {
			s.Nix.Pos = r.pos(resolve(n))
			return r.fields(n, "nix", map[string]func(*yaml.Node) error{
				"attrs": r.env(&s.Nix.Attrs, "nix.attrs"),
			})
		},
		"outputs": func(n *yaml.Node) error {
			var err error
			s.Outputs, err = r.outputs(n)
			return err
		},
		"sign": func(n *yaml.Node) error {
			var err error
			s.Sign, err = r.sign(n)
			return err
		},
		"replace": r.seq("replace", func(n *yaml.Node) error {
			var line string
			if err := r.str(&line, "replace entries")(n); err != nil {
				return err
			}
			rep, err := parseReplace(line, r.pos(n))
			if err != nil {
				return err
			}
			s.Replace = append(s.Replace, rep)
			return nil
		}),
		"exclude": r.seq("exclude", func(n *yaml.Node) error {
			var line string
			if err := r.str(&line, "exclude entries")(n); err != nil {
				return err
			}
			ex, err := parseExclude(line, r.pos(n))
			if err != nil {
				return err
			}
			s.Exclude = append(s.Exclude, ex)
			return nil
		}),
	})
	if err != nil {
		return nil, err
	}
	s.Build.Cgo = CgoMode(cgo)
	if err := s.resolveDirs(); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// sourceFields returns the handlers for the keys shared by the app and
// plugin entries, plus any extra ones.
func (r nodeReader) sourceFields(src *Source, what string, extra map[string]func(*yaml.Node) error) map[string]func(*yaml.Node) error {
	h := map[string]func(*yaml.Node) error{
		"module": r.str(&src.Module, what+".module"),
		"version": func(n *yaml.Node) error {
			if err := r.str(&src.Version, what+".version")(n); err != nil {
				return err
			}
			if msg := checkModuleQuery(src.Version); msg != "" {
				return errorf(r.pos(resolve(n)), "%s.version %s", what, msg)
			}
			return nil
		},
		"path":    r.str(&src.RelDir, what+".path"),
		"package": r.str(&src.Package, what+".package"),
	}
	for k, v := range extra {
		h[k] = v
	}
	return h
}

// resolveDirs makes every local path absolute, relative to the manifest.
func (s *Spec) resolveDirs() error {
	abs := func(src *Source) {
		if src.RelDir == "" {
			return
		}
		p := src.RelDir
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.Dir, p)
		}
		src.Dir = filepath.Clean(p)
	}
	abs(&s.App.Source)
	if s.App.Adapter != "" && !filepath.IsAbs(s.App.Adapter) {
		s.App.Adapter = filepath.Join(s.Dir, s.App.Adapter)
	}
	for i := range s.Plugins {
		abs(&s.Plugins[i].Source)
	}
	absDir := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(s.Dir, p)
	}
	s.Sysroot.Dir = absDir(s.Sysroot.Dir)
	if img := s.Outputs.Image; img != nil {
		for i := range img.Files {
			img.Files[i].Src = absDir(img.Files[i].Src)
		}
		if dir, ok := strings.CutPrefix(img.Base, "oci-layout:"); ok && !filepath.IsAbs(dir) {
			img.Base = "oci-layout:" + absDir(dir)
		}
	}
	if d := s.Outputs.Deb; d != nil {
		for i := range d.Files {
			d.Files[i].Src = absDir(d.Files[i].Src)
		}
		d.Unit = absDir(d.Unit)
	}
	for i := range s.Targets {
		s.Targets[i].Sysroot.Dir = absDir(s.Targets[i].Sysroot.Dir)
		// pkg_config_path is a list, like PKG_CONFIG_LIBDIR.
		if pc := s.Targets[i].PkgConfigPath; pc != "" {
			parts := filepath.SplitList(pc)
			for j := range parts {
				parts[j] = absDir(parts[j])
			}
			s.Targets[i].PkgConfigPath = strings.Join(parts, string(filepath.ListSeparator))
		}
	}
	for i, rep := range s.Replace {
		if rep.NewVersion == "" && !filepath.IsAbs(rep.NewPath) {
			s.Replace[i].NewPath = filepath.Join(s.Dir, rep.NewPath)
		}
	}
	s.resolveSignDirs()
	return nil
}

// parseReplace reads "old[@v] => new[@v]", the go.mod replace syntax with
// @ for versions. A new path that starts with ./ or ../ or / is a directory.
func parseReplace(line string, pos Pos) (Replace, error) {
	old, new, ok := strings.Cut(line, "=>")
	if !ok {
		return Replace{}, errorf(pos, "replace %q: expected OLD[@VERSION] => NEW[@VERSION]", line)
	}
	var r Replace
	r.Pos = pos
	r.OldPath, r.OldVersion, _ = strings.Cut(strings.TrimSpace(old), "@")
	r.NewPath, r.NewVersion, _ = strings.Cut(strings.TrimSpace(new), "@")
	if r.OldPath == "" || r.NewPath == "" {
		return Replace{}, errorf(pos, "replace %q: expected OLD[@VERSION] => NEW[@VERSION]", line)
	}
	if isDirPath(r.NewPath) && r.NewVersion != "" {
		return Replace{}, errorf(pos, "replace %q: a directory replacement takes no version", line)
	}
	if !isDirPath(r.NewPath) && r.NewVersion == "" {
		return Replace{}, errorf(pos, "replace %q: a module replacement needs a version (NEW@VERSION); for a directory, start the path with ./ or ../", line)
	}
	return r, nil
}

func parseExclude(line string, pos Pos) (Exclude, error) {
	path, version, ok := strings.Cut(strings.TrimSpace(line), "@")
	if !ok || path == "" || version == "" {
		return Exclude{}, errorf(pos, "exclude %q: expected MODULE@VERSION", line)
	}
	return Exclude{Path: path, Version: version, Pos: pos}, nil
}

func isDirPath(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p)
}

// defaults decodes app.defaults: all, none, or the names of the default
// plugins to keep.
func (r nodeReader) defaults(app *App) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		n = resolve(n)
		app.DefaultsPos = r.pos(n)
		if n.Kind == yaml.ScalarNode && (n.Value == "all" || n.Value == "none") {
			if n.Value == "none" {
				app.Defaults = []string{}
			}
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			return errorf(app.DefaultsPos, "app.defaults must be all, none, or a list of the default plugins to keep, not %s", kindName(n))
		}
		app.Defaults = []string{}
		return r.strList(&app.Defaults, "app.defaults")(n)
	}
}
