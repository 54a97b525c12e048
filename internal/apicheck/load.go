package apicheck

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
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/weldgo/weld/internal/gobuild"
)

// listedPackage is what `go list -export -json` says of a package.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	Deps       []string
	Export     string
	Module     *listedModule
	Error      *struct{ Err string }
}

// listedModule is a package's module in `go list -json` output.
type listedModule struct {
	Path, Version, Dir string
	Replace            *struct{ Path, Version string }
}

// version is the module's version as built: a replacement by a version
// of the same module (how a group pins a plugin's versions) counts.
func (m *listedModule) version() string {
	if m.Replace != nil && m.Replace.Path == m.Path && m.Replace.Version != "" {
		return m.Replace.Version
	}
	return m.Version
}

// localVersion is the version a scratch module requires a local plugin
// at, replaced by its directory.
const localVersion = "v0.0.0-00010101000000-000000000000"

// scratchModule is the module path of the module that lists a plugin on
// its own; no real module can have it.
const scratchModule = "weld.apicheck/plugin"

// loadPlugin type-checks the plugin's packages against the plugin's own
// build list and records what they use of the modules in differ. It
// returns nil when the plugin's packages do not load on their own: go
// build, which compiles them against the selected versions, reports that.
func loadPlugin(ctx context.Context, o Options, p Plugin, differ map[string]string, dir string) (*pluginUse, error) {
	if err := writeScratchModule(o, p, dir); err != nil {
		return nil, err
	}
	list, err := listExport(ctx, o, dir, "", p.Packages)
	if err != nil {
		return nil, err
	}
	u, _ := usesFrom(o, p, differ, newListing(list))
	return u, nil
}

// listing is a go list output, indexed, with an importer of its export
// data.
type listing struct {
	byPath    map[string]*listedPackage
	moduleOf  map[string]string // package path → module path
	versionOf map[string]string // module path → version built
	imp       types.Importer
}

func newListing(list []*listedPackage) *listing {
	l := &listing{byPath: map[string]*listedPackage{}, moduleOf: map[string]string{}, versionOf: map[string]string{}, imp: exportImporter(list)}
	for _, lp := range list {
		l.byPath[lp.ImportPath] = lp
		if lp.Module != nil {
			l.moduleOf[lp.ImportPath] = lp.Module.Path
			l.versionOf[lp.Module.Path] = lp.Module.version()
		}
	}
	return l
}

// usesFrom type-checks the plugin's packages from a listing of them and
// records what they use of the modules in differ, at the versions the
// listing has. It reports false when a package does not load or
// type-check there.
func usesFrom(o Options, p Plugin, differ map[string]string, l *listing) (*pluginUse, bool) {
	u := &pluginUse{plugin: p, apis: map[string]*apiUse{}}
	// An API package is one of a module whose version the composition
	// changes, seen from the listing.
	apiModule := func(pkgPath string) string {
		m := l.moduleOf[pkgPath]
		if _, ok := differ[m]; !ok || l.versionOf[m] == "" || l.versionOf[m] == o.Selected[m] {
			return ""
		}
		return m
	}
	for _, path := range p.Packages {
		lp := l.byPath[path]
		if lp == nil || lp.Error != nil {
			return nil, false
		}
		fset, files, info, err := typeCheck(lp, l.imp)
		if err != nil {
			return nil, false
		}
		rel := func(pos token.Pos) position {
			at := fset.Position(pos)
			name, err := filepath.Rel(p.Dir, at.Filename)
			if err != nil {
				name = at.Filename
			}
			return position{file: filepath.ToSlash(name), line: at.Line}
		}
		collectUses(u, files, info, rel, func(pkgPath string) (*apiUse, bool) {
			m := apiModule(pkgPath)
			if m == "" {
				return nil, false
			}
			a := u.apis[pkgPath]
			if a == nil {
				old, err := l.imp.Import(pkgPath)
				if err != nil {
					return nil, false
				}
				a = &apiUse{module: m, required: l.versionOf[m], old: old, uses: map[string]position{}}
				u.apis[pkgPath] = a
			}
			return a, true
		})
	}
	return u, true
}

// writeScratchModule writes a module that requires only the plugin, so
// that its build list is the plugin's own.
func writeScratchModule(o Options, p Plugin, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f := &modfile.File{}
	f.AddModuleStmt(scratchModule)
	goVersion, pluginSum := "1.22", []byte(nil)
	if data, err := os.ReadFile(filepath.Join(p.Dir, "go.mod")); err == nil {
		if pf, err := modfile.ParseLax("go.mod", data, nil); err == nil && pf.Go != nil {
			goVersion = pf.Go.Version
		}
	}
	if err := f.AddGoStmt(goVersion); err != nil {
		return err
	}
	version := p.Version
	if version == "" {
		version = localVersion
		if err := f.AddReplace(p.Module, "", p.Dir, ""); err != nil {
			return err
		}
	}
	if err := f.AddRequire(p.Module, version); err != nil {
		return err
	}
	data, err := f.Format()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), data, 0o644); err != nil {
		return err
	}
	pluginSum, _ = os.ReadFile(filepath.Join(p.Dir, "go.sum"))
	sums := append(append(append([]byte(nil), o.GoSum...), '\n'), pluginSum...)
	return os.WriteFile(filepath.Join(dir, "go.sum"), sums, 0o644)
}

// listExport lists pkgs and their dependencies in dir, with export data,
// reading modFile instead of dir's go.mod when it is set.
func listExport(ctx context.Context, o Options, dir, modFile string, pkgs []string) ([]*listedPackage, error) {
	// The flags are the ones the composition lists its packages with, so
	// that the export data comes from the same build cache entries.
	args := []string{"list", "-mod=mod", "-e", "-export", "-deps", "-trimpath",
		"-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Deps,Export,Module,Error"}
	if len(o.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(o.Tags, ","))
	}
	if modFile != "" {
		args = append(args, "-modfile="+modFile)
	}
	out, err := o.Go.Run(ctx, gobuild.Call{Dir: dir, Args: append(args, pkgs...), Env: o.Env})
	if err != nil {
		return nil, err
	}
	var list []*listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		lp := new(listedPackage)
		if err := dec.Decode(lp); err == io.EOF {
			return list, nil
		} else if err != nil {
			return nil, fmt.Errorf("decoding go list output: %w", err)
		}
		list = append(list, lp)
	}
}

// exportImporter imports packages from the export data in list.
func exportImporter(list []*listedPackage) types.Importer {
	files := map[string]string{}
	for _, lp := range list {
		if lp.Export != "" {
			files[lp.ImportPath] = lp.Export
		}
	}
	return importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		f, ok := files[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s (it does not build)", path)
		}
		return os.Open(f)
	})
}

// typeCheck parses and type-checks a package from its source files,
// recording what its identifiers refer to.
func typeCheck(lp *listedPackage, imp types.Importer) (*token.FileSet, []*ast.File, *types.Info, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range append(append([]string(nil), lp.GoFiles...), lp.CgoFiles...) {
		f, err := parser.ParseFile(fset, filepath.Join(lp.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, nil, err
		}
		files = append(files, f)
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	conf := types.Config{Importer: imp, FakeImportC: true, Error: func(error) {}}
	_, err := conf.Check(lp.ImportPath, fset, files, info)
	return fset, files, info, err
}

// loadSelected lists, in the composition, every API package that a
// plugin uses, and imports each at its selected version. A package that
// cannot be loaded is left out: a plugin that imports a package the
// selected version no longer has does not resolve, and says so.
func loadSelected(ctx context.Context, o Options, checked []*pluginUse) (map[string]*types.Package, error) {
	seen := map[string]bool{}
	var pkgs []string
	for _, u := range checked {
		for path := range u.apis {
			if !seen[path] {
				seen[path] = true
				pkgs = append(pkgs, path)
			}
		}
	}
	list, err := listExport(ctx, o, o.Composed, o.ModFile, pkgs)
	if err != nil {
		return nil, err
	}
	imp := exportImporter(list)
	out := map[string]*types.Package{}
	for _, lp := range list {
		if !seen[lp.ImportPath] {
			continue
		}
		if lp.Error != nil || lp.Module == nil || lp.Module.Version != o.Selected[lp.Module.Path] {
			continue
		}
		if pkg, err := imp.Import(lp.ImportPath); err == nil {
			out[lp.ImportPath] = pkg
		}
	}
	return out, nil
}
