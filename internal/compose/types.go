package compose

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
)

// exportPackage is what `go list -export` says of a package.
type exportPackage struct {
	ImportPath string
	Export     string
	Error      *struct{ Err string }
}

// exportImporter loads the types of pkgs and their dependencies from the
// compiler's export data, which `go list -export` has the go command
// produce (from its build cache, where go build finds it again), rather
// than type-checking their sources. Packages that do not build have no
// export data; importing one fails.
func (c *Composition) exportImporter(ctx context.Context, r gobuild.GoCommand, dir, modFile string, pkgs []string, extra ...string) (types.Importer, error) {
	// With the flags and cgo setting that go build will use for this
	// machine, the packages compiled for their export data are the ones
	// go build finds in the build cache, not a second compile.
	args := []string{"list", "-mod=mod", "-e", "-export", "-deps", "-json=ImportPath,Export,Error", "-trimpath"}
	if tags, _, err := c.BuildFlags(); err == nil && len(tags) > 0 {
		args = append(args, "-tags="+strings.Join(tags, ","))
	}
	if modFile != "" {
		args = append(args, "-modfile="+modFile)
	}
	args = append(args, extra...)
	out, err := r.Run(ctx, gobuild.Call{Dir: dir, Args: append(args, pkgs...), Env: append(append([]string(nil), c.Spec.Build.Env...), "CGO_ENABLED="+c.hostCgo())})
	if err != nil {
		return nil, err
	}
	list, err := decodeStream[exportPackage](out)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, p := range list {
		if p.Export != "" {
			files[p.ImportPath] = p.Export
		}
	}
	lookup := func(path string) (io.ReadCloser, error) {
		f, ok := files[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s (it does not build)", path)
		}
		return os.Open(f)
	}
	return importer.ForCompiler(token.NewFileSet(), "gc", lookup), nil
}

// HostCgo is CGO_ENABLED as a build for this machine sets it.
func (c *Composition) HostCgo() string { return c.hostCgo() }

// hostCgo is CGO_ENABLED as a build for this machine sets it: build.cgo,
// and with auto whether a composed package has cgo files.
func (c *Composition) hostCgo() string {
	switch c.Spec.Build.Cgo {
	case spec.CgoOn:
		return "1"
	case spec.CgoOff:
		return "0"
	}
	for _, p := range c.Packages {
		if !p.Standard && len(p.CgoFiles) > 0 {
			return "1"
		}
	}
	return "0"
}

// inferKinds reads, for an adapter that wires factories, the kind of each
// plugin without a kind: in the manifest: the type its factory function
// returns, matched against the adapter's kinds. A plugin whose kind
// cannot be read is left out; wire reports it.
func (c *Composition) inferKinds(ctx context.Context, o Options) (map[string]string, error) {
	a := c.Adapter
	if a == nil || a.Wiring != spec.WireFactories {
		return nil, nil
	}
	var pkgs []string
	for _, p := range c.Plugins {
		if p.Spec.Kind == "" {
			pkgs = append(pkgs, p.Package)
		}
	}
	if len(pkgs) == 0 {
		return nil, nil
	}
	imp, err := c.exportImporter(ctx, o.Go, o.WorkDir, "", pkgs)
	if err != nil {
		return nil, fmt.Errorf("reading the plugins' factory types: %w", err)
	}
	byType := map[string]string{}
	for _, k := range a.Factories.Kinds {
		byType[k.Type] = k.Name
	}
	kinds := map[string]string{}
	for _, path := range pkgs {
		pkg, err := imp.Import(path)
		if err != nil {
			continue
		}
		for _, name := range FactoryTypes(pkg, a.Factories.Function) {
			if k := byType[name]; k != "" {
				kinds[path] = k
				break
			}
		}
	}
	return kinds, nil
}

// FactoryTypes are the names of the type that pkg's function fn returns
// first, as "import/path.Name": an alias's own name, then what it stands
// for. They are none when pkg has no such function or it returns no
// named type.
func FactoryTypes(pkg *types.Package, fn string) []string {
	f, ok := pkg.Scope().Lookup(fn).(*types.Func)
	if !ok {
		return nil
	}
	sig := f.Type().(*types.Signature)
	if sig.Results().Len() == 0 {
		return nil
	}
	var names []string
	t := sig.Results().At(0).Type()
	for {
		var obj *types.TypeName
		switch tt := t.(type) {
		case *types.Alias:
			obj, t = tt.Obj(), tt.Rhs()
		case *types.Named:
			obj, t = tt.Obj(), nil
		default:
			return names
		}
		if obj.Pkg() != nil {
			names = append(names, obj.Pkg().Path()+"."+obj.Name())
		}
		if t == nil {
			return names
		}
	}
}

// adoptComposedModFile makes the go.mod and go.sum that listing with the
// composed go.mod left (modFile, sumFile) the ones the build uses, and
// takes the build list from them. The composed go.mod requires every
// module directly, so the go command also reads the requirements of old
// (unpruned) modules among them, which the scratch module's pruned graph
// did not: go build would otherwise refuse the go.mod as out of date.
func (c *Composition) adoptComposedModFile(ctx context.Context, o Options, modFile, sumFile string) error {
	goMod, goSum := filepath.Join(c.BuildDir, "go.mod"), filepath.Join(c.BuildDir, "go.sum")
	mod, err := os.ReadFile(modFile)
	if err != nil {
		return err
	}
	sums, err := os.ReadFile(sumFile)
	if err != nil {
		return err
	}
	if bytes.Equal(mod, c.Overlay[goMod]) {
		c.completeSums(c.Overlay[goSum], sums)
		c.Overlay[goSum] = mergeSums(c.Overlay[goSum], sums)
		return nil
	}
	final, err := listModulesWith(ctx, o.Go, c.BuildDir, modFile)
	if err != nil {
		return fmt.Errorf("resolving the composed main module: %w", err)
	}
	if sums, err = os.ReadFile(sumFile); err != nil {
		return err
	}
	c.completeSums(c.Overlay[goSum], sums)
	c.Overlay[goMod] = mod
	c.Overlay[goSum] = mergeSums(c.Overlay[goSum], sums)
	c.setBuildList(final)
	return nil
}

// checkMain type-checks the main package weld generates (for an entry
// function or an adapter's template) before anything is compiled, so that
// a mistake is reported at the manifest or adapter line that caused it,
// not in a file of a work directory that is gone by the time go build
// fails. A package whose export data cannot be had (one that needs a C
// toolchain this machine lacks, say) leaves the check to go build.
func (c *Composition) checkMain(ctx context.Context, o Options, imp types.Importer) error {
	if !c.generatesMain() {
		return nil
	}
	var src []byte
	var genFile string
	for name, data := range c.Overlay {
		if filepath.Base(name) == GeneratedFileName {
			src, genFile = data, name
		}
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, GeneratedFileName, src, 0)
	if err != nil {
		return err
	}
	if imp == nil {
		var pkgs []string
		for _, is := range f.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			pkgs = append(pkgs, p)
		}
		// The imports are listed with the composed go.mod, as go build
		// will read it, so that go.sum also gets what that needs: the
		// composed go.mod requires every module of the build directly,
		// and the go.mod files of an old (unpruned) one's own
		// requirements must then be summed too.
		modFile := filepath.Join(c.work, "weld-composed.mod")
		sumFile := strings.TrimSuffix(modFile, ".mod") + ".sum"
		goSum := filepath.Join(c.BuildDir, "go.sum")
		if err := os.WriteFile(modFile, c.Overlay[filepath.Join(c.BuildDir, "go.mod")], 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(sumFile, c.Overlay[goSum], 0o644); err != nil {
			return err
		}
		// The main package itself is listed too (its generated file
		// through -overlay): -mod=mod then adds the requirements that
		// go build needs for what the main package imports, which
		// listing its imports alone does not (a plugin that raises a
		// module to a version needing modules the build list lacks).
		mainPkg, overlay, err := c.mainOverlay(genFile, src)
		if err != nil {
			return err
		}
		pkgs = append(pkgs, mainPkg)
		if imp, err = c.exportImporter(ctx, o.Go, c.BuildDir, modFile, pkgs, "-overlay="+overlay); err != nil {
			return fmt.Errorf("type-checking the generated main: %w", err)
		}
		if err := c.adoptComposedModFile(ctx, o, modFile, sumFile); err != nil {
			return err
		}
	}
	var errs []types.Error
	conf := types.Config{Importer: imp, Error: func(err error) {
		if te, ok := err.(types.Error); ok {
			errs = append(errs, te)
		}
	}}
	conf.Check("main", fset, []*ast.File{f}, nil)
	for _, te := range errs {
		if strings.Contains(te.Msg, "could not import") {
			return nil // no export data: go build will say why
		}
	}
	if len(errs) == 0 {
		return nil
	}
	te := errs[0]
	line := fset.Position(te.Pos).Line
	lineText := ""
	if lines := strings.Split(string(src), "\n"); line > 0 && line <= len(lines) {
		lineText = strings.TrimSpace(lines[line-1])
	}
	for i, p := range append(append([]Plugin(nil), c.Defaults...), c.Plugins...) {
		if strings.Contains(lineText, fmt.Sprintf("weldp%d.", i)) {
			return posError(p.Spec.Pos, "plugin %s: the generated main does not compile with it: %s (in %q)", p.what(), te.Msg, lineText)
		}
	}
	if c.Adapter != nil && c.Adapter.Main != nil {
		return posError(c.Adapter.Main.TemplatePos, "main.template: the generated main does not compile: %s\nin the generated %s:\n%s",
			te.Msg, GeneratedFileName, excerpt(src, fmt.Errorf("%d: %s", line, te.Msg)))
	}
	return posError(c.Spec.App.Pos, "app.entry %s: the generated main, which calls it, does not compile: %s; the entry must be a function that takes no arguments",
		c.Spec.App.Entry, te.Msg)
}

// mainOverlay writes the generated file, which is only in the overlay,
// where go list can read it through -overlay, and returns the main
// package as a pattern relative to the build directory and the overlay
// file.
func (c *Composition) mainOverlay(genFile string, src []byte) (pattern, overlayFile string, err error) {
	dir := filepath.Join(c.work, "weld-main-overlay")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	copyFile := filepath.Join(dir, GeneratedFileName)
	if err := os.WriteFile(copyFile, src, 0o644); err != nil {
		return "", "", err
	}
	data, err := json.Marshal(map[string]map[string]string{"Replace": {genFile: copyFile}})
	if err != nil {
		return "", "", err
	}
	overlayFile = filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, data, 0o644); err != nil {
		return "", "", err
	}
	rel, err := filepath.Rel(c.BuildDir, filepath.Dir(genFile))
	if err != nil {
		return "", "", err
	}
	return "./" + filepath.ToSlash(rel), overlayFile, nil
}
