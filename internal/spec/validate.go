package spec

import (
	"fmt"
	"go/token"
	"path"
	"strings"

	"golang.org/x/mod/module"

	"github.com/weldgo/weld/internal/target"
)

// Validate checks the rules that no single key can check alone. It fills in
// defaults (the binary name, cgo mode) as it goes.
func (s *Spec) Validate() error {
	if err := s.checkPluginCount(); err != nil {
		return err
	}
	// The name and version make file names, so they are checked first:
	// nothing may be resolved or written for a name that cannot be used.
	if s.Name != "" {
		if msg := checkName(s.Name); msg != "" {
			return errorf(s.posOr(s.NamePos), "%s", msg)
		}
	}
	if s.Version != "" {
		if msg := checkVersion(s.Version); msg != "" {
			return errorf(s.posOr(s.VersionPos), "%s", msg)
		}
	}
	if err := s.validateApp(); err != nil {
		return err
	}
	if s.Name == "" {
		s.Name = defaultName(s.App)
		if msg := checkName(s.Name); msg != "" {
			return errorf(s.posOr(s.App.Pos), "%s (the name comes from the app's main package; set name: to choose one)", msg)
		}
	}
	switch s.Build.Cgo {
	case "":
		s.Build.Cgo = CgoAuto
	case CgoAuto, CgoOn, CgoOff:
	default:
		return errorf(s.posOr(s.Build.CgoPos), "build.cgo is %s; use auto, on or off", short(string(s.Build.Cgo)))
	}
	for _, kv := range s.Build.Env {
		// Parse checks these at their own position; this covers a Spec
		// built another way.
		k, v, _ := strings.Cut(kv, "=")
		if msg := checkBuildEnv(k, v); msg != "" {
			return errorf(s.posOr(Pos{}), "build.env: %s", msg)
		}
	}
	if _, err := CheckSBOM(s.Outputs.SBOM); err != nil {
		return errorf(s.posOr(s.Outputs.SBOMPos), "outputs.sbom: %v", err)
	}
	if d := s.Outputs.Deb; d != nil {
		switch {
		case s.Version == "":
			return errorf(d.Pos, "outputs.deb needs the product version: add version: 1.0.0 (or similar) at the top of the manifest")
		case d.Maintainer == "" || d.Description == "":
			return errorf(d.Pos, "outputs.deb needs maintainer: (Name <email>) and description: (one line)")
		}
		if err := checkDeb(s.Name, s.Version, d); err != nil {
			return errorf(d.Pos, "outputs.deb: %v", err)
		}
		if err := s.checkDebInstall(d); err != nil {
			return err
		}
	}
	seenTargets := map[string]Pos{}
	for _, t := range s.Targets {
		if _, err := target.Parse(t.Name); err != nil {
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
			if msg := checkTargetPattern(pat); msg != "" {
				return errorf(p.Pos, "plugin %s: %s", p.ImportPath(), msg)
			}
		}
		if err := validatePlugin(p); err != nil {
			return err
		}
		if p.Before != "" && p.After != "" {
			return errorf(p.Pos, "plugin %s has both before: and after:; give one position in the app's ordered list", p.ImportPath())
		}
		if (p.Before != "" || p.After != "") && p.Name == "" {
			return errorf(p.Pos, "plugin %s has a position (before:/after:) but no name: for its entry in the app's ordered list", p.ImportPath())
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
		return errorf(s.posOr(a.Pos), "app.module is required: the module path of the application to extend")
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
	if a.Package != "" {
		if err := module.CheckImportPath(a.Package); err != nil {
			return errorf(a.Pos, "app.package: %v", err)
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
	if p.Package != "" {
		if err := module.CheckImportPath(p.Package); err != nil {
			return errorf(p.Pos, "plugin %s: package: %v", p.Module, err)
		}
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
	if msg := checkModuleQuery(src.Version); msg != "" {
		return errorf(src.Pos, "%s: version %s", what, msg)
	}
	switch {
	case src.Version != "" && src.RelDir != "":
		return errorf(src.Pos, "%s has both version and path; keep version to use a published module, or path to use a local directory", what)
	case src.Version == "" && src.RelDir == "":
		return errorf(src.Pos, "%s needs a version (for example latest or v1.2.3) or a path to a local directory", what)
	}
	return nil
}

// posOr returns pos or, when it is unknown, the manifest as a whole
// (its first line), or nothing for a Spec made from flags.
func (s *Spec) posOr(pos Pos) Pos {
	switch {
	case pos.File != "" || pos.Line != 0:
		return pos
	case s.File == "":
		return Pos{}
	}
	return Pos{File: s.File, Line: 1, Col: 1}
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

// CheckSBOM checks a list of SBOM formats and returns it without
// repeats, in the order given; nil (not set) gives the default, spdx.
func CheckSBOM(formats []string) ([]string, error) {
	if formats == nil {
		return []string{SBOMSPDX}, nil
	}
	out := []string{}
	seen := map[string]bool{}
	for _, f := range formats {
		switch f {
		case SBOMSPDX, SBOMCycloneDX:
		default:
			return nil, fmt.Errorf("%q is not an SBOM format; use spdx, cyclonedx, or an empty list for none", f)
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}
