package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/weldgo/weld/internal/textlimit"
)

// zeroVersion is the placeholder version the go command itself uses for a
// requirement that a directory replacement satisfies.
const zeroVersion = "v0.0.0-00010101000000-000000000000"

// replacement is one replace directive and who asked for it, so that a
// conflict can be explained.
type replacement struct {
	Old, New module.Version
	From     string // "the manifest", "app M", "plugin M"
}

// workModule builds the scratch module's go.mod. Replacements are added in
// precedence order: the first one for an old path wins, so the manifest
// comes first, then the app, then local plugins.
type workModule struct {
	path      string
	goVersion string
	requires  map[string]string
	replaces  []replacement
	excludes  []module.Version
	warn      func(string)
	// verbose says the user asked for every detail (-v).
	verbose bool
}

func newWorkModule(path string, warn func(string), verbose bool) *workModule {
	return &workModule{path: path, requires: map[string]string{}, warn: warn, verbose: verbose}
}

func (w *workModule) require(path, version string) { w.requires[path] = version }

// raiseGo makes the go directive at least v.
func (w *workModule) raiseGo(v string) {
	if v != "" && (w.goVersion == "" || compareGo(v, w.goVersion) > 0) {
		w.goVersion = v
	}
}

// replace adds a replacement unless an earlier source already replaced the
// same module; a differing later one is reported and ignored.
func (w *workModule) replace(r replacement) {
	for _, prev := range w.replaces {
		if prev.Old == r.Old {
			if prev.New != r.New {
				w.warn(fmt.Sprintf("%s replaces %s with %s, but %s already replaces it with %s; keeping %s's",
					r.From, fmtVersion(r.Old), fmtVersion(r.New), prev.From, fmtVersion(prev.New), prev.From))
			}
			return
		}
	}
	w.replaces = append(w.replaces, r)
}

func (w *workModule) exclude(m module.Version) {
	for _, e := range w.excludes {
		if e == m {
			return
		}
	}
	w.excludes = append(w.excludes, m)
}

// addModFileDirectives copies a go.mod's replace and exclude directives.
// Directory replacements are made absolute relative to dir. When dir is
// empty (a module from the module cache) directory replacements cannot be
// followed and are dropped with a warning.
func (w *workModule) addModFileDirectives(f *modfile.File, dir, from string) {
	var dropped []string
	defer func() {
		// A published module's directory replacements are its own
		// repository's development wiring, which Go ignores too: one line,
		// for a user who asks (-v).
		if len(dropped) > 0 && w.verbose {
			w.warn(fmt.Sprintf("%s: ignoring %d directory replacements of its published go.mod, which cannot be followed: %s",
				from, len(dropped), textlimit.Join(dropped, ", ", 5)))
		}
	}()
	for _, r := range f.Replace {
		newMod := r.New
		if newMod.Version == "" {
			if dir == "" {
				dropped = append(dropped, fmtVersion(r.Old)+" => "+r.New.Path)
				continue
			}
			if !filepath.IsAbs(newMod.Path) {
				newMod.Path = filepath.Join(dir, newMod.Path)
			}
		}
		w.replace(replacement{Old: r.Old, New: newMod, From: from})
	}
	for _, e := range f.Exclude {
		w.exclude(e.Mod)
	}
}

// format renders the go.mod with sorted requirements.
func (w *workModule) format() ([]byte, error) {
	f := &modfile.File{}
	if err := f.AddModuleStmt(w.path); err != nil {
		return nil, err
	}
	if w.goVersion != "" {
		if err := f.AddGoStmt(w.goVersion); err != nil {
			return nil, err
		}
	}
	paths := make([]string, 0, len(w.requires))
	for p := range w.requires {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		f.AddNewRequire(p, w.requires[p], false)
	}
	if err := applyDirectives(f, w.replaces, w.excludes); err != nil {
		return nil, err
	}
	f.Cleanup()
	return modfile.Format(f.Syntax), nil
}

func (w *workModule) write(dir string) error {
	data, err := w.format()
	if err != nil {
		return fmt.Errorf("writing scratch go.mod: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "go.mod"), data, 0o644)
}

func applyDirectives(f *modfile.File, reps []replacement, excl []module.Version) error {
	for _, r := range reps {
		if err := f.AddReplace(r.Old.Path, r.Old.Version, r.New.Path, r.New.Version); err != nil {
			return fmt.Errorf("replace from %s: %w", r.From, err)
		}
	}
	for _, e := range excl {
		if err := f.AddExclude(e.Path, e.Version); err != nil {
			return fmt.Errorf("exclude %s: %w", fmtVersion(e), err)
		}
	}
	return nil
}

func fmtVersion(m module.Version) string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + "@" + m.Version
}

// readModFile parses dir/go.mod and checks that it declares want.
func readModFile(dir, want string) (*modfile.File, []byte, error) {
	name := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil, fmt.Errorf("%s has no go.mod: it must be the root directory of module %s", dir, want)
		}
		return nil, nil, err
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, nil, err
	}
	if f.Module == nil || f.Module.Mod.Path != want {
		got := "no module line"
		if f.Module != nil {
			got = "module " + f.Module.Mod.Path
		}
		return nil, nil, fmt.Errorf("%s declares %s, not %s; fix the module path or the directory", name, got, want)
	}
	return f, data, nil
}
