package spec

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Flags is the command-line form of a manifest, for builds without one:
// weld build --app MODULE[@VERSION|=PATH] --with MODULE[@VERSION|=PATH] ...
// A --with of pkg:IMPORTPATH, or a bare IMPORTPATH inside the app's
// module, is a package of a module already in the build.
type Flags struct {
	App     string
	Entry   string
	Package string
	Adapter string
	With    []string
	Name    string
	Build   Build
	Replace []string
}

// FromFlags builds a Spec from flags. Relative paths are resolved against
// dir, the working directory.
func FromFlags(f Flags, dir string) (*Spec, error) {
	s := &Spec{Dir: dir, Name: f.Name, Build: f.Build}
	if f.Name != "" {
		s.NamePos = Pos{File: "--name"}
	}
	if f.Build.Cgo != "" {
		s.Build.CgoPos = Pos{File: "--cgo"}
	}
	app, err := ParseSourceFlag(f.App, "--app")
	if err != nil {
		return nil, err
	}
	s.App = App{Source: app, Entry: f.Entry}
	s.App.Package = f.Package
	if f.Adapter != "" {
		s.App.Adapter, s.App.AdapterPos = f.Adapter, Pos{File: "--adapter"}
	}
	for i, w := range f.With {
		pos := Pos{File: fmt.Sprintf("--with #%d", i+1)}
		if pkg, ok := packageFlag(w, app.Module); ok {
			s.Plugins = append(s.Plugins, Plugin{Source: Source{Package: pkg, Pos: pos}})
			continue
		}
		p, err := ParseSourceFlag(w, pos.File)
		if err != nil {
			return nil, err
		}
		s.Plugins = append(s.Plugins, Plugin{Source: p})
	}
	for i, line := range f.Replace {
		r, err := parseReplace(line, Pos{File: fmt.Sprintf("--replace #%d", i+1)})
		if err != nil {
			return nil, err
		}
		s.Replace = append(s.Replace, r)
	}
	if err := s.resolveDirs(); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// ParseSourceFlag reads MODULE[@VERSION|=PATH], the value of flag. A bare
// MODULE means its latest version, as with go get.
func ParseSourceFlag(v, flag string) (Source, error) {
	pos := Pos{File: flag}
	if v == "" {
		return Source{}, errorf(pos, "missing value; expected MODULE[@VERSION|=PATH]")
	}
	if mod, dir, ok := strings.Cut(v, "="); ok {
		if dir == "" {
			return Source{}, errorf(pos, "%q: empty path after =", v)
		}
		return Source{Module: mod, RelDir: filepath.Clean(dir), Pos: pos}, nil
	}
	mod, version, ok := strings.Cut(v, "@")
	if !ok {
		version = "latest"
	}
	return Source{Module: mod, Version: version, Pos: pos}, nil
}

// packageFlag reads the --with forms that name a package of a module
// already in the build: pkg:IMPORTPATH, or a bare import path inside the
// app's module (which is in every build).
func packageFlag(v, appModule string) (string, bool) {
	if pkg, ok := strings.CutPrefix(v, "pkg:"); ok {
		return pkg, true
	}
	if strings.ContainsAny(v, "@=") || appModule == "" {
		return "", false
	}
	return v, strings.HasPrefix(v, appModule+"/")
}
