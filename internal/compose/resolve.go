package compose

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/textlimit"
)

// Resolve selects every module version of the composition with the go
// command and assembles the files that build it.
func Resolve(ctx context.Context, o Options) (*Composition, error) {
	s := o.Spec
	if o.Warn == nil {
		o.Warn = func(string) {}
	}
	c := &Composition{Spec: s, work: o.WorkDir}
	wm := newWorkModule("weld.local/"+s.Name, o.Warn, o.Go.Verbosity() != nil)
	if err := wm.write(o.WorkDir); err != nil {
		return nil, err
	}
	if len(o.GoSum) > 0 {
		if err := os.WriteFile(filepath.Join(o.WorkDir, "go.sum"), o.GoSum, 0o644); err != nil {
			return nil, err
		}
	}

	// Resolve every versioned source at once; errors come back per module.
	downloaded, err := downloadSources(ctx, o)
	if err != nil {
		return nil, err
	}

	// The app alone, for the baseline that plugin lifts are measured from.
	appFile, err := c.resolveApp(downloaded, wm)
	if err != nil {
		return nil, err
	}
	for _, r := range s.Replace {
		wm.replace(replacement{Old: module.Version{Path: r.OldPath, Version: r.OldVersion},
			New: module.Version{Path: r.NewPath, Version: r.NewVersion}, From: "the manifest (" + r.Pos.String() + ")"})
	}
	for _, e := range s.Exclude {
		wm.exclude(module.Version{Path: e.Path, Version: e.Version})
	}
	appDir := ""
	if c.App.Local {
		appDir = c.App.Dir
	}
	wm.addModFileDirectives(appFile, appDir, "app "+c.App.Path)
	if err := wm.write(o.WorkDir); err != nil {
		return nil, err
	}
	if err := c.findAdapter(ctx, o, wm); err != nil {
		return nil, err
	}
	if err := wm.write(o.WorkDir); err != nil {
		return nil, err
	}
	baseline, err := listModules(ctx, o.Go, o.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("resolving app %s: %w", s.App.Source, err)
	}

	// Add the plugins and load every package of the build.
	// Go ignores a published module's replace directives by design, so
	// they are worth a line (one per plugin) only to a user who asks (-v).
	replaceWarn := func(string) {}
	if o.Go.Verbosity() != nil {
		replaceWarn = o.Warn
	}
	if err := c.addPlugins(downloaded, wm, replaceWarn); err != nil {
		return nil, err
	}
	if err := wm.write(o.WorkDir); err != nil {
		return nil, err
	}
	roots := c.roots()
	var paths []string
	for _, r := range roots {
		paths = append(paths, r.path)
	}
	c.Packages, err = listPackages(ctx, o.Go, o.WorkDir, paths[0], paths[1:])
	if err != nil {
		return nil, fmt.Errorf("loading plugin packages: %w", err)
	}
	if err := c.checkPackages(roots); err != nil {
		return nil, err
	}
	c.defaultModules()
	kinds, err := c.inferKinds(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := c.wire(kinds); err != nil {
		return nil, err
	}

	final, err := listModules(ctx, o.Go, o.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("resolving plugins: %w", err)
	}
	if err := c.selectVersions(ctx, o, final, baseline); err != nil {
		return nil, err
	}
	if err := c.assemble(wm); err != nil {
		var pe *spec.Error
		if errors.As(err, &pe) {
			return nil, err // it names its file and line
		}
		return nil, fmt.Errorf("composing: %w", err)
	}
	if err := c.checkMain(ctx, o, nil); err != nil {
		return nil, err
	}
	return c, nil
}

// downloadSources runs one `go mod download` for the app and every
// versioned plugin, resolving queries such as "latest" to versions.
func downloadSources(ctx context.Context, o Options) (map[string]*ListModule, error) {
	s := o.Spec
	sources := []spec.Source{s.App.Source}
	for _, p := range s.Plugins {
		sources = append(sources, p.Source)
	}
	var queries []string
	for _, src := range sources {
		if src.Module != "" && !src.Local() {
			queries = append(queries, src.Module+"@"+src.Version)
		}
	}
	got := map[string]*ListModule{}
	if len(queries) == 0 {
		return got, nil
	}
	mods, err := download(ctx, o.Go, o.WorkDir, queries)
	if err != nil {
		return nil, fmt.Errorf("downloading modules: %w", err)
	}
	for _, m := range mods {
		got[m.Path] = m
	}
	for _, src := range sources {
		if src.Module == "" || src.Local() {
			continue
		}
		what := "plugin"
		if src.Pos == s.App.Pos {
			what = "app"
		}
		m := got[src.Module]
		switch {
		case m == nil:
			return nil, posError(src.Pos, "%s %s: the go command did not resolve it", what, src)
		case m.ErrorText() != "":
			return nil, posError(src.Pos, "%s %s: cannot be downloaded: %s\n\tcheck the module path and version, and that GOPROXY=%s serves it",
				what, src, lastLine(m.ErrorText()), o.Go.Getenv("GOPROXY"))
		}
	}
	return got, nil
}

func (c *Composition) resolveApp(downloaded map[string]*ListModule, wm *workModule) (*modfile.File, error) {
	a := c.Spec.App
	c.App = Module{Path: a.Module, Dir: a.Dir, Local: a.Local()}
	if a.Local() {
		wm.require(a.Module, zeroVersion)
		wm.replace(replacement{Old: module.Version{Path: a.Module}, New: module.Version{Path: a.Dir}, From: "app " + a.Module})
	} else {
		m := downloaded[a.Module]
		c.App.Version, c.App.Dir = m.Version, m.Dir
		wm.require(a.Module, m.Version)
	}
	f, _, err := readModFile(c.App.Dir, a.Module)
	if err != nil {
		return nil, posError(a.Pos, "app %s: %v", a.Source, err)
	}
	if f.Go != nil {
		wm.raiseGo(f.Go.Version)
	}
	return f, nil
}

func (c *Composition) addPlugins(downloaded map[string]*ListModule, wm *workModule, warn func(string)) error {
	for _, p := range c.Spec.Plugins {
		rp := Plugin{Spec: p, Package: p.ImportPath()}
		switch {
		case p.Module == "":
			// A package of a module already in the build: its module is
			// known once the build list is.
		case p.Local():
			f, _, err := readModFile(p.Dir, p.Module)
			if err != nil {
				return posError(p.Pos, "plugin %s: %v", p.Source, err)
			}
			rp.Module = Module{Path: p.Module, Dir: p.Dir, Local: true}
			wm.require(p.Module, zeroVersion)
			wm.replace(replacement{Old: module.Version{Path: p.Module}, New: module.Version{Path: p.Dir}, From: "plugin " + p.Module})
			wm.addModFileDirectives(f, p.Dir, "plugin "+p.Module)
		default:
			m := downloaded[p.Module]
			rp.Module = Module{Path: p.Module, Version: m.Version, Dir: m.Dir}
			wm.require(p.Module, m.Version)
			warnIgnoredReplaces(m, warn)
		}
		c.Plugins = append(c.Plugins, rp)
	}
	return nil
}

// warnIgnoredReplaces tells the user that a versioned plugin's own replace
// directives have no effect: Go applies only the main module's.
func warnIgnoredReplaces(m *ListModule, warn func(string)) {
	data, err := os.ReadFile(m.GoMod)
	if err != nil {
		return
	}
	f, err := modfile.Parse(m.GoMod, data, nil)
	if err != nil || len(f.Replace) == 0 {
		return
	}
	var reps []string
	for _, r := range f.Replace {
		reps = append(reps, fmtVersion(r.Old)+" => "+fmtVersion(r.New))
	}
	warn(fmt.Sprintf("plugin %s@%s: its go.mod replaces %s, but Go ignores a dependency's replace directives; add them under replace: in the manifest if the plugin needs them",
		m.Path, m.Version, strings.Join(reps, ", ")))
}

func (c *Composition) appRootPackage() string {
	if c.Spec.App.Entry != "" {
		pkg, _ := c.Spec.App.EntryPackage()
		return pkg
	}
	return c.Spec.App.ImportPath()
}

// selectVersions records the final build list, refuses an app upgrade, and
// reports the modules that plugins lift above the app's own selection.
func (c *Composition) selectVersions(ctx context.Context, o Options, final, baseline []*ListModule) error {
	base := map[string]string{}
	for _, m := range baseline {
		base[m.Path] = m.Version
	}
	selected := c.setBuildList(final)
	for i, p := range c.Plugins {
		if m := selected[p.Module.Path]; m != nil && !p.Module.Local {
			c.Plugins[i].Module.Version = m.Version
			c.Plugins[i].Module.Local = m.Replace != nil && m.Replace.Version == ""
		}
	}
	for i, d := range c.Defaults {
		if m := selected[d.Module.Path]; m != nil && d.Module.Path != c.App.Path {
			c.Defaults[i].Module = Module{Path: m.Path, Version: m.Version, Dir: m.Dir, Local: m.Replace != nil && m.Replace.Version == ""}
		}
	}
	if !c.App.Local {
		if m := selected[c.App.Path]; m != nil && semver.Compare(m.Version, c.App.Version) > 0 {
			if err := c.appUpgraded(ctx, o, m); err != nil {
				return err
			}
		}
	}
	for _, m := range final {
		// A module replaced by a directory is that directory whatever
		// version is required, and the app's own version is checked above.
		if m.Main || m.Path == c.App.Path || (m.Replace != nil && m.Replace.Version == "") {
			continue
		}
		if from, ok := base[m.Path]; ok && from != "" && semver.Compare(m.Version, from) > 0 {
			c.Lifts = append(c.Lifts, Lift{Path: m.Path, From: from, To: m.Version})
		}
	}
	if len(c.Lifts) > 0 {
		if err := c.loadGraph(ctx, o); err != nil {
			return err
		}
		for i, l := range c.Lifts {
			c.Lifts[i].By = c.pluginsRequiring(l.Path, l.To)
		}
	}
	return nil
}

// setBuildList records the final build list, and returns its modules by
// path.
func (c *Composition) setBuildList(final []*ListModule) map[string]*ListModule {
	selected := map[string]*ListModule{}
	c.BuildList = nil
	for _, m := range final {
		if m.Main {
			continue
		}
		selected[m.Path] = m
		mod := Module{Path: m.Path, Version: m.Version, Dir: m.Dir}
		if m.Replace != nil && m.Replace.Version == "" {
			mod.Local, mod.Dir = true, m.Replace.Path
		}
		c.BuildList = append(c.BuildList, mod)
	}
	return selected
}

func (c *Composition) appUpgraded(ctx context.Context, o Options, m *ListModule) error {
	if err := c.loadGraph(ctx, o); err != nil {
		return err
	}
	by := c.pluginsRequiring(m.Path, m.Version)
	if !o.AllowAppUpgrade {
		pos, who := c.Spec.App.Pos, "a plugin"
		for _, p := range c.Plugins {
			if len(by) > 0 && p.Module.Path == by[0] {
				pos, who = p.Spec.Pos, "plugin "+p.Spec.Source.String()
			}
		}
		return posError(pos, "%s requires app %s %s, but the manifest pins %s; pin the app to %s, or pass --allow-app-upgrade",
			who, m.Path, m.Version, c.App.Version, m.Version)
	}
	o.Warn(fmt.Sprintf("app %s upgraded from %s to %s by %s (--allow-app-upgrade)", m.Path, c.App.Version, m.Version, textlimit.Join(by, ", ", MaxListed)))
	c.App.Version, c.App.Dir = m.Version, m.Dir
	if c.App.Dir == "" {
		mods, err := download(ctx, o.Go, o.WorkDir, []string{m.Path + "@" + m.Version})
		if err != nil || mods[0].ErrorText() != "" {
			return fmt.Errorf("downloading upgraded app %s@%s: %v", m.Path, m.Version, err)
		}
		c.App.Dir = mods[0].Dir
	}
	return nil
}

func posError(pos spec.Pos, format string, args ...any) error {
	return &spec.Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// lastLine keeps the informative tail of a go command error, which often
// repeats the module path in its first lines.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}
