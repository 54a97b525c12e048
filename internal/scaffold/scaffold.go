// Package scaffold writes a first weld.yaml (weld init): it works out what
// the module in the working directory is (an app, or a plugin of some
// app), or looks at the app named on the command line, finds its main
// package or the adapter that wires it, and renders a commented manifest
// that weld's own parser accepts.
package scaffold

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/weldgo/weld/internal/adapter"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
)

// Request is what weld init was asked for.
type Request struct {
	// Dir is the working directory, where the manifest goes.
	Dir string
	// App is --app (MODULE[@VERSION|=PATH]); empty to use the module in
	// Dir. Package is --package, the app's main package.
	App, Package string
	// With are the --with plugins (MODULE[@VERSION|=PATH]).
	With []string
	// Name is the binary's name; default the main package's last element.
	Name string
	Go   gobuild.GoCommand
}

// Plan is the manifest weld init writes, and what it found.
type Plan struct {
	Name    string
	App     spec.Source
	Adapter string // the embedded or app-shipped adapter, if any
	// Plugins are the manifest's plugins; Self is set when the module in
	// Dir is one of them (a plugin author's dev loop).
	Plugins []spec.Source
	Self    bool
	// Found says how the app was recognized, for the comment atop the file.
	Found string
}

// Make works out the plan.
func Make(ctx context.Context, r Request) (*Plan, error) {
	here, err := readModule(r.Dir)
	if err != nil {
		return nil, err
	}
	p := &Plan{}
	switch {
	case r.App != "":
		if p.App, err = spec.ParseSourceFlag(r.App, "--app"); err != nil {
			return nil, err
		}
	case here == nil:
		return nil, fmt.Errorf("there is no go.mod in %s; run weld init in your app's or plugin's module, or name the app with --app MODULE[@VERSION]", r.Dir)
	default:
		main, err := mainPackage(r.Dir, here.Module.Mod.Path, r.Package)
		if err != nil {
			return nil, err
		}
		if main != "" {
			p.App = spec.Source{Module: here.Module.Mod.Path, RelDir: ".", Package: packageOrRoot(main, here.Module.Mod.Path)}
			p.Found = "the module here has the main package " + main
			break
		}
		// No main package: a plugin. Its app is the module it requires
		// that weld has an adapter for.
		app, ok := appOfPlugin(here)
		if !ok {
			return nil, fmt.Errorf("%s has no main package, so it reads as a plugin, and none of the modules it requires is an app weld knows (%s); name the app it plugs into: weld init --app MODULE[@VERSION]",
				here.Module.Mod.Path, strings.Join(adapter.EmbeddedNames(), ", "))
		}
		p.App = app
	}
	if p.App.RelDir == "" && p.App.Version == "" {
		p.App.Version = "latest"
	}
	if err := p.findWiring(ctx, r); err != nil {
		return nil, err
	}
	// In a module that is not the app and has no main package, the module
	// here is the plugin being developed.
	if here != nil && here.Module.Mod.Path != p.App.Module && p.App.RelDir != "." && !hasMain(r.Dir, here.Module.Mod.Path) {
		p.Plugins = append(p.Plugins, spec.Source{Module: here.Module.Mod.Path, RelDir: "."})
		p.Self = true
	}
	for i, w := range r.With {
		src, err := spec.ParseSourceFlag(w, fmt.Sprintf("--with #%d", i+1))
		if err != nil {
			return nil, err
		}
		p.Plugins = append(p.Plugins, src)
	}
	p.Name = r.Name
	if p.Name == "" {
		p.Name = path.Base(p.App.ImportPath())
		if v := path.Base(p.App.Module); p.App.Package == "" && strings.HasPrefix(v, "v") && len(v) > 1 && strings.Trim(v[1:], "0123456789") == "" {
			p.Name = path.Base(path.Dir(p.App.Module)) // example.com/app/v2 → app
		}
	}
	return p, nil
}

// findWiring finds the app's adapter (embedded, or shipped at the root of
// the app's module) or, without one, its main package.
func (p *Plan) findWiring(ctx context.Context, r Request) error {
	if name, _, ok := adapter.Embedded(p.App.Module); ok {
		p.Adapter = "embedded:" + name
		p.Found = "weld wires " + p.App.Module + " with its embedded adapter " + name
		return nil
	}
	if p.App.RelDir == "." { // the module here, already looked at
		return nil
	}
	dir := p.App.RelDir
	if dir == "" {
		var err error
		if dir, err = download(ctx, r.Go, r.Dir, &p.App); err != nil {
			return err
		}
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join(r.Dir, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, adapter.FileName)); err == nil {
		p.Adapter = "app"
		p.Found = p.App.Module + " ships its own adapter (" + adapter.FileName + ")"
		return nil
	}
	main, err := mainPackage(dir, p.App.Module, r.Package)
	if err != nil {
		return err
	}
	if main == "" {
		return fmt.Errorf("%s has no main package at its root or under cmd/, and no adapter; name it with --package IMPORTPATH, or see the README's adapters section", p.App.Module)
	}
	p.App.Package = packageOrRoot(main, p.App.Module)
	p.Found = p.App.Module + " has the main package " + main
	return nil
}

// download fetches the app module's source through GOPROXY and pins the
// version a query resolved to.
func download(ctx context.Context, g gobuild.GoCommand, dir string, app *spec.Source) (string, error) {
	out, err := g.Run(ctx, gobuild.Call{Dir: os.TempDir(), Args: []string{"mod", "download", "-json", app.Module + "@" + app.Version}})
	var m struct{ Version, Dir, Error string }
	if jerr := json.Unmarshal(out, &m); jerr != nil || m.Error != "" || m.Dir == "" {
		msg := m.Error
		if msg == "" {
			msg = fmt.Sprint(errors.Join(err, jerr))
		}
		return "", fmt.Errorf("looking up the app %s@%s: %s", app.Module, app.Version, msg)
	}
	app.Version = m.Version
	return m.Dir, nil
}

// packageOrRoot leaves the package empty when it is the module root.
func packageOrRoot(pkg, module string) string {
	if pkg == module {
		return ""
	}
	return pkg
}

// readModule reads dir's go.mod, or returns nil when there is none.
func readModule(dir string) (*modfile.File, error) {
	file := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := modfile.ParseLax(file, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Module == nil {
		return nil, fmt.Errorf("%s has no module line", file)
	}
	return f, nil
}

// appOfPlugin picks, among a plugin's direct requirements, the app weld
// has an embedded adapter for.
func appOfPlugin(f *modfile.File) (spec.Source, bool) {
	for _, r := range f.Require {
		if r.Indirect {
			continue
		}
		if _, _, ok := adapter.Embedded(r.Mod.Path); ok {
			return spec.Source{Module: r.Mod.Path, Version: r.Mod.Version}, true
		}
	}
	return spec.Source{}, false
}

// mainPackage finds the module's main package: want if given (checked),
// else the module root, else the one package under cmd/ (or the one named
// after the module). It returns "" when there is none.
func mainPackage(dir, module, want string) (string, error) {
	if want != "" {
		rel := strings.TrimPrefix(strings.TrimPrefix(want, module), "/")
		if !isMain(filepath.Join(dir, filepath.FromSlash(rel))) {
			return "", fmt.Errorf("--package %s: not a main package of %s", want, module)
		}
		return want, nil
	}
	if isMain(dir) {
		return module, nil
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "cmd"))
	var found []string
	for _, e := range entries {
		if e.IsDir() && isMain(filepath.Join(dir, "cmd", e.Name())) {
			found = append(found, e.Name())
		}
	}
	sort.Strings(found)
	for _, name := range found {
		if name == path.Base(module) {
			return module + "/cmd/" + name, nil
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return module + "/cmd/" + found[0], nil
	}
	return "", fmt.Errorf("%s has several main packages under cmd/ (%s); pick one with --package %s/cmd/NAME", module, strings.Join(found, ", "), module)
}

// hasMain reports whether the module in dir has a main package.
func hasMain(dir, module string) bool {
	main, err := mainPackage(dir, module, "")
	return main != "" || err != nil // several main packages are still mains
}

// isMain reports whether dir holds a non-test Go file of package main.
func isMain(dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly)
		if err == nil && parsed.Name.Name == "main" {
			return true
		}
	}
	return false
}
