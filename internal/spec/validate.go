package spec

import (
	"go/token"
	"path"
	"regexp"
	"strings"

	"golang.org/x/mod/module"

	"github.com/weldgo/weld/internal/gobuild"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Validate checks the rules that no single key can check alone. It fills in
// defaults (the binary name, cgo mode) as it goes.
func (s *Spec) Validate() error {
	if err := s.checkPluginCount(); err != nil {
		return err
	}
	if err := s.validateApp(); err != nil {
		return err
	}
	if s.Name == "" {
		s.Name = defaultName(s.App)
	}
	if !nameRE.MatchString(s.Name) {
		return errorf(Pos{File: s.File}, "name %q is not a valid file name; use letters, digits, '.', '_' and '-'", s.Name)
	}
	if s.Version != "" && strings.ContainsAny(s.Version, " /") {
		return errorf(Pos{File: s.File}, "version %q must not contain spaces or slashes", s.Version)
	}
	switch s.Build.Cgo {
	case "":
		s.Build.Cgo = CgoAuto
	case CgoAuto, CgoOn, CgoOff:
	default:
		return errorf(Pos{File: s.File}, "build.cgo is %q; use auto, on or off", s.Build.Cgo)
	}
	if d := s.Outputs.Deb; d != nil {
		switch {
		case s.Version == "":
			return errorf(d.Pos, "outputs.deb needs the product version: add version: 1.0.0 (or similar) at the top of the manifest")
		case d.Maintainer == "" || d.Description == "":
			return errorf(d.Pos, "outputs.deb needs maintainer: (Name <email>) and description: (one line)")
		}
	}
	seenTargets := map[string]Pos{}
	for _, t := range s.Targets {
		if _, err := gobuild.ParseTarget(t.Name); err != nil {
			return errorf(t.Pos, "%v", err)
		}
		if prev, dup := seenTargets[t.Name]; dup {
			return errorf(t.Pos, "target %s is listed twice (also at %s)", t.Name, prev)
		}
		seenTargets[t.Name] = t.Pos
	}
	seen := map[string]Pos{}
	for _, p := range s.Plugins {
		for _, pat := range p.Targets {
			if _, err := path.Match(pat, ""); err != nil || strings.Count(pat, "/") == 0 {
				return errorf(p.Pos, "plugin %s: target pattern %q must look like OS/ARCH, with * as a wildcard (for example linux/*)", p.ImportPath(), pat)
			}
		}
		if err := validatePlugin(p); err != nil {
			return err
		}
		key := p.ImportPath()
		if prev, dup := seen[key]; dup {
			return errorf(p.Pos, "plugin %s is listed twice (also at %s); remove one of the entries", key, prev)
		}
		seen[key] = p.Pos
		if p.Module != "" && p.Module == s.App.Module && p.Package == "" {
			return errorf(p.Pos, "plugin %s is the app module itself; name one of its packages with package:", p.Module)
		}
	}
	for _, r := range s.Replace {
		if err := module.CheckImportPath(r.OldPath); err != nil {
			return errorf(r.Pos, "replace: %v", err)
		}
		if r.OldVersion != "" && module.CanonicalVersion(r.OldVersion) != r.OldVersion {
			return errorf(r.Pos, "replace: version %q of %s must be a full version such as v1.2.3", r.OldVersion, r.OldPath)
		}
		if r.NewVersion != "" {
			if err := module.Check(r.NewPath, r.NewVersion); err != nil || module.CanonicalVersion(r.NewVersion) != r.NewVersion {
				return errorf(r.Pos, "replace: %s@%s is not a module at a full version such as v1.2.3", r.NewPath, r.NewVersion)
			}
		}
	}
	for _, e := range s.Exclude {
		if err := module.Check(e.Path, e.Version); err != nil {
			return errorf(e.Pos, "exclude: %v", err)
		}
		if module.CanonicalVersion(e.Version) != e.Version {
			return errorf(e.Pos, "exclude: version %q of %s must be a full version such as v1.2.3", e.Version, e.Path)
		}
	}
	return nil
}

func (s *Spec) validateApp() error {
	a := s.App
	if a.Module == "" {
		pos := a.Pos
		if pos.Line == 0 {
			pos = Pos{File: s.File}
		}
		return errorf(pos, "app.module is required: the module path of the application to extend")
	}
	if err := checkSource(a.Source, "app"); err != nil {
		return err
	}
	if a.Entry != "" {
		if a.Package != "" {
			return errorf(a.Pos, "app has both package and entry; use package for a main package or entry for an exported function, not both")
		}
		pkg, fn := a.EntryPackage()
		if pkg == "" || !token.IsExported(fn) || !token.IsIdentifier(fn) || module.CheckImportPath(pkg) != nil {
			return errorf(a.Pos, "app.entry %q must be IMPORTPATH.Func with an exported function, for example %s/cmd.Main", a.Entry, a.Module)
		}
		if !within(pkg, a.Module) {
			return errorf(a.Pos, "app.entry %q is not in the app module %s", a.Entry, a.Module)
		}
	}
	if a.Package != "" && !within(a.Package, a.Module) {
		return errorf(a.Pos, "app.package %s is not in the app module %s", a.Package, a.Module)
	}
	return nil
}

func validatePlugin(p Plugin) error {
	if p.Module == "" {
		if p.Package == "" {
			return errorf(p.Pos, "a plugin entry needs module (with version or path), or package for a package of a module already in the build")
		}
		if p.Version != "" || p.RelDir != "" {
			return errorf(p.Pos, "plugin %s: version and path belong to a module; add module: with the module path", p.Package)
		}
		if err := module.CheckImportPath(p.Package); err != nil {
			return errorf(p.Pos, "plugin package: %v", err)
		}
		return nil
	}
	if err := checkSource(p.Source, "plugin "+p.Module); err != nil {
		return err
	}
	if p.Package != "" && !within(p.Package, p.Module) {
		return errorf(p.Pos, "plugin %s: package %s is not in that module", p.Module, p.Package)
	}
	return nil
}

// checkSource enforces "exactly one of version or path".
func checkSource(src Source, what string) error {
	if err := module.CheckPath(src.Module); err != nil {
		return errorf(src.Pos, "%s: invalid module path: %v", what, err)
	}
	switch {
	case src.Version != "" && src.RelDir != "":
		return errorf(src.Pos, "%s has both version and path; keep version to use a published module, or path to use a local directory", what)
	case src.Version == "" && src.RelDir == "":
		return errorf(src.Pos, "%s needs a version (for example latest or v1.2.3) or a path to a local directory", what)
	}
	return nil
}

func within(pkg, mod string) bool { return pkg == mod || strings.HasPrefix(pkg, mod+"/") }

// defaultName is the binary name Go itself would pick: the last element of
// the main package path, without a major-version suffix.
func defaultName(a App) string {
	p := a.ImportPath()
	if a.Entry != "" {
		p = a.Module
	}
	if prefix, _, ok := module.SplitPathVersion(p); ok && prefix != "" {
		p = prefix
	}
	return path.Base(p)
}
