package compose

import (
	"strings"

	"github.com/weldgo/weld/internal/spec"
)

// root is a package the build starts from, and the manifest or adapter
// entry responsible for it.
type root struct {
	path string
	what string
	pos  spec.Pos
	// role is "app" (the app's main package or entry), "main" (an import
	// of the adapter's generated main), "plugin" or "default".
	role string
	// plugin indexes c.Plugins for role "plugin".
	plugin int
}

// roots lists the packages the build starts from: the app's main package
// or entry (or the adapter main's imports), every plugin and every kept
// default plugin.
func (c *Composition) roots() []root {
	a := c.Spec.App
	var out []root
	if imports := c.mainImports(); len(imports) > 0 {
		for i, imp := range imports {
			out = append(out, root{path: imp, what: "the adapter's main import " + imp, pos: c.Adapter.Main.Imports[i].Pos, role: "main"})
		}
	} else {
		out = append(out, root{path: c.appRootPackage(), what: "app " + a.Source.String(), pos: a.Pos, role: "app"})
	}
	for i, p := range c.Plugins {
		out = append(out, root{path: p.Package, what: "plugin " + p.what(), pos: p.Spec.Pos, role: "plugin", plugin: i})
	}
	for _, d := range c.Defaults {
		if d.Package != "" {
			out = append(out, root{path: d.Package, what: "default plugin " + d.Name + " of the adapter", pos: d.Spec.Pos, role: "default"})
		}
	}
	return out
}

// checkPackages turns package loading errors into one error that names the
// manifest (or adapter) entry responsible.
func (c *Composition) checkPackages(roots []root) error {
	byPath := map[string]*Package{}
	for _, p := range c.Packages {
		byPath[p.ImportPath] = p
		if p.ImportPath == SDKPackage {
			c.UsesSDK = true
		}
	}
	a := c.Spec.App
	for _, r := range roots {
		what, pos, path := r.what, r.pos, r.path
		pkg := byPath[path]
		switch {
		case pkg == nil:
			return posError(pos, "%s: package %s was not loaded", what, path)
		case pkg.Error != nil:
			return posError(pos, "%s: package %s: %s", what, path, strings.TrimSpace(pkg.Error.Err))
		case len(pkg.DepsErrors) > 0:
			e := pkg.DepsErrors[0]
			return posError(pos, "%s: package %s: %s", what, path, strings.TrimSpace(e.Err))
		}
		switch {
		case r.role == "app" && a.Entry == "" && pkg.Name != "main":
			return posError(pos, "%s: package %s is package %s, not a main package; set app.package to the app's main package, or app.entry to an exported function that runs the app (for example %s.Main)",
				what, path, pkg.Name, path)
		case r.role == "app" && a.Entry != "" && pkg.Name == "main":
			return posError(pos, "%s: app.entry names package %s, which is a main package; use app.package for a main package", what, path)
		case r.role != "app" && pkg.Name == "main":
			return posError(pos, "%s: package %s is a main package, which cannot be imported; name a library package with package:", what, path)
		}
		if r.role == "plugin" && c.Plugins[r.plugin].Module.Path == "" {
			c.Plugins[r.plugin].Module = Module{Path: pkg.Module.Path}
		}
	}
	return nil
}
