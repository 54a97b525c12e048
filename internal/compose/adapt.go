package compose

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	"github.com/weldgo/weld/internal/adapter"
	"github.com/weldgo/weld/internal/spec"
)

// findAdapter sets the adapter in force for the app, with the default
// plugins the manifest keeps, and adds the modules of those defaults that
// live outside the app's module to the build.
func (c *Composition) findAdapter(ctx context.Context, o Options, wm *workModule) error {
	s := c.Spec
	found, err := adapter.Find(s, c.App.Dir, c.App.Version)
	if err != nil || found == nil {
		if err == nil && s.App.Defaults != nil {
			return posError(s.App.DefaultsPos, "app.defaults: app %s has no adapter, so it has no default plugins to choose from", s.App.Module)
		}
		return err
	}
	c.Adapter = found
	if found.Main != nil && s.App.Entry != "" {
		return posError(s.App.Pos, "app.entry: the adapter of %s (%s) generates the main; remove entry:", s.App.Module, found.File)
	}
	kept, err := found.KeptDefaults(s.App)
	if err != nil {
		return err
	}
	var queries []string
	for i, d := range kept {
		if d.Module == "" || d.Module == c.App.Path {
			continue
		}
		if strings.Contains(d.Version, "{{") {
			if kept[i].Version, err = c.defaultVersion(ctx, o, d); err != nil {
				return err
			}
		}
		queries = append(queries, d.Module+"@"+kept[i].Version)
	}
	versions := map[string]string{}
	if len(queries) > 0 {
		mods, err := download(ctx, o.Go, o.WorkDir, queries)
		if err != nil {
			return fmt.Errorf("downloading the default plugins of %s's adapter: %w", s.App.Module, err)
		}
		for _, m := range mods {
			if e := m.ErrorText(); e != "" {
				return fmt.Errorf("%s: default plugin module %s@%s cannot be downloaded: %s", found.File, m.Path, m.Version, lastLine(e))
			}
			versions[m.Path] = m.Version
			wm.require(m.Path, m.Version)
		}
	}
	for _, d := range kept {
		p := Plugin{Default: true, Package: d.Package, Kind: d.Kind, Name: d.Name,
			Spec: spec.Plugin{Source: spec.Source{Module: d.Module, Version: d.Version, Package: d.Package, Pos: d.Pos}}}
		if d.Module != "" {
			p.Module = Module{Path: d.Module, Version: versions[d.Module]}
		}
		c.Defaults = append(c.Defaults, p)
	}
	return nil
}

// defaultVersion renders a default plugin's version template. Its
// function version "MODULE" is the version the app alone selects for
// MODULE, so that a default released with the app's other modules follows
// the app: version "go.example/sibling" picks the sibling's release.
func (c *Composition) defaultVersion(ctx context.Context, o Options, d spec.AdapterPlugin) (string, error) {
	if c.appAlone == nil {
		mods, err := listModules(ctx, o.Go, o.WorkDir)
		if err != nil {
			return "", fmt.Errorf("resolving app %s: %w", c.Spec.App.Source, err)
		}
		c.appAlone = map[string]string{}
		for _, m := range mods {
			c.appAlone[m.Path] = m.Version
		}
	}
	funcs := template.FuncMap{"version": func(module string) (string, error) {
		v, ok := c.appAlone[module]
		if !ok || v == "" {
			return "", fmt.Errorf("module %s is not in the build of app %s", module, c.App.Path)
		}
		return v, nil
	}}
	t, err := template.New("version").Funcs(funcs).Option("missingkey=error").Parse(d.Version)
	var b strings.Builder
	if err == nil {
		err = t.Execute(&b, TemplateData{Name: c.Spec.Name, Version: c.Spec.Version, App: ModuleVersion{c.App.Path, c.App.RecordVersion()}})
	}
	if err != nil {
		return "", posError(d.Pos, "default plugin %s: version: %v", d.Name, err)
	}
	return b.String(), nil
}

// mainImports are the packages the adapter's generated main imports.
func (c *Composition) mainImports() []string {
	if c.Adapter == nil || c.Adapter.Main == nil {
		return nil
	}
	var out []string
	for _, imp := range c.Adapter.Main.Imports {
		out = append(out, imp.Path)
	}
	return out
}

// wire decides, for an adapter that wires factories or an ordered list,
// each plugin's kind or place. kinds are the kinds read from the plugins'
// factory functions (inferKinds), by package.
func (c *Composition) wire(kinds map[string]string) error {
	a := c.Adapter
	if a == nil {
		return nil
	}
	for _, d := range c.Defaults {
		if d.Package != "" && c.packageByPath(d.Package) == nil {
			return posError(d.Spec.Pos, "default plugin %s: package %s is not in the build", d.Name, d.Package)
		}
	}
	switch a.Wiring {
	case spec.WireFactories:
		for i := range c.Plugins {
			p := &c.Plugins[i]
			p.Kind = p.Spec.Kind
			if p.Kind == "" {
				p.Kind = kinds[p.Package]
			}
			if p.Kind == "" {
				return posError(p.Spec.Pos, "plugin %s: the adapter of %s (%s) wires each plugin through %s.%s(), which returns one of %s; the package has no such function, or it returns another type; name a package that has it, or give the plugin kind: %s",
					p.what(), c.App.Path, a.File, p.Package, a.Factories.Function, kindTypes(a), strings.Join(a.KindNames(), "|"))
			}
			if !hasKind(a.KindNames(), p.Kind) {
				return posError(p.Spec.Pos, "plugin %s: kind %s is not one of the adapter's kinds (%s)", p.what(), p.Kind, strings.Join(a.KindNames(), ", "))
			}
		}
	case spec.WireOrdered:
		var defaults []string
		for _, d := range c.Defaults {
			defaults = append(defaults, d.Name)
		}
		var positioned []adapter.Positioned
		for i := range c.Plugins {
			p := &c.Plugins[i]
			p.Name = p.Spec.Name
			positioned = append(positioned, adapter.Positioned{Name: p.Spec.Name, Before: p.Spec.Before, After: p.Spec.After,
				What: "plugin " + p.what(), Pos: p.Spec.Pos})
		}
		order, err := adapter.Order(defaults, positioned)
		if err != nil {
			return err
		}
		c.Order = order
	}
	for _, p := range c.Plugins {
		switch {
		case p.Spec.Kind != "" && a.Wiring != spec.WireFactories:
			return posError(p.Spec.Pos, "plugin %s: kind: is for apps whose adapter wires factories; %s's wires %s", p.what(), c.App.Path, a.Wiring)
		case p.Spec.Name != "" && a.Wiring != spec.WireOrdered:
			return posError(p.Spec.Pos, "plugin %s: name: is for apps whose adapter wires an ordered list; %s's wires %s", p.what(), c.App.Path, a.Wiring)
		}
	}
	return nil
}

func (p Plugin) what() string {
	if p.Spec.Module == "" {
		return p.Package
	}
	return p.Spec.Source.String()
}

func kindTypes(a *adapter.Found) string {
	var out []string
	for _, k := range a.Factories.Kinds {
		out = append(out, k.Type)
	}
	return strings.Join(out, ", ")
}

func hasKind(kinds []string, k string) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func (c *Composition) packageByPath(path string) *Package {
	for _, p := range c.Packages {
		if p.ImportPath == path {
			return p
		}
	}
	return nil
}

// defaultModules fills in the module of a default plugin that is a
// package of a module already in the build.
func (c *Composition) defaultModules() {
	for i := range c.Defaults {
		d := &c.Defaults[i]
		if d.Module.Path != "" || d.Package == "" {
			continue
		}
		if p := c.packageByPath(d.Package); p != nil && p.Module != nil {
			d.Module = Module{Path: p.Module.Path, Version: p.Module.Version}
			if p.Module.Path == c.App.Path {
				d.Module = c.App
			}
		}
	}
}
