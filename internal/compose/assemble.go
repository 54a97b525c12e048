package compose

import (
	"bytes"
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"golang.org/x/mod/modfile"

	"github.com/weldgo/weld/internal/spec"
)

// assemble produces the composed go.mod, go.sum and generated file, keyed
// by the path they take in the build directory.
func (c *Composition) assemble(wm *workModule) error {
	workMod, err := os.ReadFile(filepath.Join(c.work, "go.mod"))
	if err != nil {
		return err
	}
	workFile, err := modfile.Parse("go.mod", workMod, nil)
	if err != nil {
		return err
	}
	workSum, err := readIfExists(filepath.Join(c.work, "go.sum"))
	if err != nil {
		return err
	}
	c.Overlay = map[string][]byte{}

	var f *modfile.File
	var genDir string
	if c.generatesMain() {
		// The scratch module becomes the main module, with a generated main.
		f, genDir = workFile, c.work
		c.BuildDir, c.MainPackage = c.work, wm.path
		c.Overlay[filepath.Join(c.work, "go.sum")] = workSum
	} else {
		// The app's own module is built in place, its go.mod replaced
		// through -overlay: the user's tree is only read.
		c.InPlace = true
		c.BuildDir, c.MainPackage = c.App.Dir, c.appRootPackage()
		if !c.App.Local {
			// go build refuses overlays for files in the module cache, so
			// a versioned app is built from a copy in the work directory.
			c.BuildDir = filepath.Join(c.work, "app")
			if err := copyTree(c.App.Dir, c.BuildDir); err != nil {
				return fmt.Errorf("copying app %s@%s: %w", c.App.Path, c.App.Version, err)
			}
		}
		f, _, err = readModFile(c.BuildDir, c.App.Path)
		if err != nil {
			return err
		}
		genDir = filepath.Join(c.BuildDir, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(c.MainPackage, c.App.Path), "/")))
		if _, err := os.Stat(filepath.Join(genDir, GeneratedFileName)); err == nil {
			return fmt.Errorf("%s already exists in the app's main package; weld generates that file, so rename yours", filepath.Join(genDir, GeneratedFileName))
		}
		appSum, err := readIfExists(filepath.Join(c.BuildDir, "go.sum"))
		if err != nil {
			return err
		}
		c.Overlay[filepath.Join(c.BuildDir, "go.sum")] = mergeSums(appSum, workSum)
	}
	// The composed go.mod carries every replace and exclude directive of
	// the composition, with directories written relative to the build
	// directory: go records replacement paths in the binary, and relative
	// ones make the bytes independent of where the checkout lives.
	for _, r := range f.Replace {
		_ = f.DropReplace(r.Old.Path, r.Old.Version)
	}
	for _, e := range f.Exclude {
		_ = f.DropExclude(e.Mod.Path, e.Mod.Version)
	}
	reps, err := c.relocate(wm.replaces)
	if err != nil {
		return err
	}
	if err := applyDirectives(f, reps, wm.excludes); err != nil {
		return err
	}
	if err := requireBuildList(f, c.BuildList, c.App.Path, workFile); err != nil {
		return err
	}
	f.Cleanup()
	c.Overlay[filepath.Join(c.BuildDir, "go.mod")] = modfile.Format(f.Syntax)

	gen, err := GenerateFile(c.fileParams())
	if err != nil {
		return err
	}
	c.Overlay[filepath.Join(genDir, GeneratedFileName)] = gen
	return nil
}

// generatesMain says weld writes the whole main package: for an entry
// function, or an adapter's main template.
func (c *Composition) generatesMain() bool {
	return c.Spec.App.Entry != "" || (c.Adapter != nil && c.Adapter.Main != nil)
}

// fileParams describes the generated file for c's plugins.
func (c *Composition) fileParams() FileParams {
	p := FileParams{UseSDK: c.UsesSDK, Record: c.Record()}
	if c.Spec.App.Entry != "" {
		p.EntryPackage, p.EntryFunc = c.Spec.App.EntryPackage()
	}
	a := c.Adapter
	if a != nil || len(c.localHashes) > 0 {
		p.Extra = c.RecordExtra().Encode()
	}
	if a == nil {
		for _, pl := range c.Plugins {
			p.Imports = append(p.Imports, pl.Package)
		}
		return p
	}
	p.Main = a.Main
	p.Data = TemplateData{Name: c.Spec.Name, Version: c.Spec.Version, App: ModuleVersion{c.App.Path, c.App.RecordVersion()}}
	present := map[string]bool{}
	for i, pl := range append(append([]Plugin(nil), c.Defaults...), c.Plugins...) {
		present[pl.Name] = true
		if pl.Package == "" {
			continue // an entry of the ordered list that no package adds
		}
		tp := TemplatePlugin{Package: pl.Package, Module: pl.Module.Path, Version: pl.Module.RecordVersion(),
			Kind: pl.Kind, Name: pl.Name, Default: pl.Default}
		if a.Wiring == spec.WireFactories {
			tp.Alias = fmt.Sprintf("weldp%d", i)
			tp.Factory = factoryExpression(a.Factories, tp.Alias)
			p.Wired = append(p.Wired, tp)
		} else {
			p.Imports = append(p.Imports, pl.Package)
		}
		p.Data.Plugins = append(p.Data.Plugins, tp)
	}
	for _, name := range c.Order {
		// A plugin limited to other targets leaves the list too.
		if present[name] {
			p.Data.Order = append(p.Data.Order, name)
		}
	}
	return p
}

// factoryExpression is the Go expression that makes the factory of the
// plugin imported as alias: the adapter's expression, with {{.Alias}} and
// {{.Function}}, or alias.Function().
func factoryExpression(f *spec.AdapterFactories, alias string) string {
	if f.Expression == "" {
		return alias + "." + f.Function + "()"
	}
	// ParseAdapter has parsed it (checkExpression), so it cannot fail.
	t := template.Must(template.New("expression").Parse(f.Expression))
	var b strings.Builder
	_ = t.Execute(&b, map[string]string{"Alias": alias, "Function": f.Function})
	return b.String()
}

// RecordExtra returns what the adapter wired and the local modules'
// hashes, for the binary's second record.
func (c *Composition) RecordExtra() RecordExtra {
	var r RecordExtra
	for _, m := range sortedKeys(c.localHashes) {
		r.Locals = append(r.Locals, LocalHash{Module: m, Hash: c.localHashes[m]})
	}
	a := c.Adapter
	if a == nil {
		return r
	}
	r.Adapter, r.Hash, r.Wiring = a.Source, a.Hash, a.Wiring
	for _, p := range c.Plugins {
		r.Plugins = append(r.Plugins, ExtraPlugin{Module: ModuleVersion{p.Module.Path, p.Module.RecordVersion()}, Package: p.Package, Kind: p.Kind, Name: p.Name})
	}
	for _, p := range c.Defaults {
		r.Defaults = append(r.Defaults, ExtraPlugin{Module: ModuleVersion{p.Module.Path, p.Module.RecordVersion()}, Package: p.Package, Kind: p.Kind, Name: p.Name})
	}
	return r
}

// BuildFlags are the build tags and -ldflags of the composition: the
// adapter's recommended ones, then the manifest's, which come last so
// that they win; the adapter's -X stamps are rendered with the app's
// version.
func (c *Composition) BuildFlags() (tags []string, ldflags string, err error) {
	sp := c.Spec
	if c.Adapter == nil {
		return sp.Build.Tags, sp.Build.Ldflags, nil
	}
	b := c.Adapter.Build
	seen := map[string]bool{}
	for _, t := range append(append([]string(nil), b.Tags...), sp.Build.Tags...) {
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	parts := []string{b.Ldflags}
	data := TemplateData{Name: sp.Name, Version: sp.Version, App: ModuleVersion{c.App.Path, c.App.RecordVersion()}}
	for _, st := range b.Stamp {
		t, err := template.New("stamp").Option("missingkey=error").Parse(st.Value)
		if err != nil {
			return nil, "", &spec.Error{Pos: st.Pos, Msg: fmt.Sprintf("build.stamp.%s: %v", st.Var, err)}
		}
		var v strings.Builder
		if err := t.Execute(&v, data); err != nil {
			return nil, "", &spec.Error{Pos: st.Pos, Msg: fmt.Sprintf("build.stamp.%s: %v", st.Var, err)}
		}
		if strings.ContainsAny(v.String(), " \t'\"") {
			return nil, "", &spec.Error{Pos: st.Pos, Msg: fmt.Sprintf("build.stamp.%s: the value %q has spaces or quotes, which -ldflags cannot carry", st.Var, v.String())}
		}
		parts = append(parts, "-X="+st.Var+"="+v.String())
	}
	parts = append(parts, sp.Build.Ldflags)
	var nonEmpty []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			nonEmpty = append(nonEmpty, strings.TrimSpace(p))
		}
	}
	return tags, strings.Join(nonEmpty, " "), nil
}

// ForTarget returns the composition for one target: the plugins limited
// to other targets are left out of its generated file and its record.
// Versions stay those of the whole composition, so every target builds
// from the same lock.
func (c *Composition) ForTarget(target string) (*Composition, error) {
	sub := *c
	sub.Plugins = nil
	for _, p := range c.Plugins {
		if p.Spec.ForTarget(target) {
			sub.Plugins = append(sub.Plugins, p)
		}
	}
	if len(sub.Plugins) == len(c.Plugins) {
		return c, nil
	}
	sub.localHashes = c.localHashesOf(sub.Plugins)
	gen, err := GenerateFile(sub.fileParams())
	if err != nil {
		return nil, err
	}
	sub.Overlay = map[string][]byte{}
	for name, data := range c.Overlay {
		if filepath.Base(name) == GeneratedFileName {
			data = gen
		}
		sub.Overlay[name] = data
	}
	return &sub, nil
}

// relocate rewrites directory replacements relative to the build
// directory. When the build directory is weld's own work directory, each
// replaced directory is first linked into it, so that the relative path is
// the same on every build.
func (c *Composition) relocate(reps []replacement) ([]replacement, error) {
	out := make([]replacement, len(reps))
	inWork := c.BuildDir != c.App.Dir
	for i, r := range reps {
		out[i] = r
		if r.New.Version != "" {
			continue
		}
		dir := r.New.Path
		if inWork {
			link := filepath.Join(c.work, "locals", strings.ReplaceAll(r.Old.Path, "/", "_"))
			if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
				return nil, err
			}
			if err := os.Symlink(dir, link); err != nil && !os.IsExist(err) {
				return nil, fmt.Errorf("linking %s into the work directory: %w", dir, err)
			}
			dir = link
		}
		rel, err := filepath.Rel(c.BuildDir, dir)
		if err != nil {
			return nil, err
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, "../") {
			rel = "./" + rel
		}
		out[i].New.Path = rel
	}
	return out, nil
}

// requireBuildList makes f require every module of the build list at its
// selected version, so that the main module's go.mod is complete under
// module graph pruning, and raises its go directive to the scratch
// module's, which the go command raised for any plugin that needs it.
func requireBuildList(f *modfile.File, list []Module, self string, work *modfile.File) error {
	have := map[string]bool{}
	for _, r := range f.Require {
		have[r.Mod.Path] = true
	}
	for _, m := range list {
		if m.Path == self {
			continue
		}
		if have[m.Path] {
			if err := f.AddRequire(m.Path, m.Version); err != nil {
				return err
			}
		} else {
			f.AddNewRequire(m.Path, m.Version, true)
		}
	}
	if work.Go != nil && (f.Go == nil || compareGo(work.Go.Version, f.Go.Version) > 0) {
		if err := f.AddGoStmt(work.Go.Version); err != nil {
			return err
		}
	}
	return nil
}

func compareGo(a, b string) int {
	return version.Compare("go"+a, "go"+b)
}

// mergeSums unions go.sum files, sorted and without duplicates.
func mergeSums(sums ...[]byte) []byte {
	seen := map[string]bool{}
	var lines []string
	for _, s := range sums {
		for _, l := range strings.Split(string(s), "\n") {
			if l = strings.TrimSpace(l); l != "" && !seen[l] {
				seen[l] = true
				lines = append(lines, l)
			}
		}
	}
	sort.Strings(lines)
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.Bytes()
}

func readIfExists(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		return nil, nil
	}
	return data, err
}

// copyTree copies the regular files of a module directory, making them
// writable for the owner (module cache files are read-only).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
