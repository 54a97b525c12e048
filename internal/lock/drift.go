package lock

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/adapter"
	"github.com/weldgo/weld/internal/spec"
)

// Roots returns the app and plugin entries as the lock records them, from
// the manifest alone (Version is left empty).
func Roots(s *spec.Spec) (app Root, plugins []Root) {
	app = root(s, s.App.Source)
	app.Entry = s.App.Entry
	if s.App.Adapter != "" {
		app.Adapter = RelPath(s.Dir, s.App.Adapter)
	}
	switch {
	case s.App.Defaults == nil:
	case len(s.App.Defaults) == 0:
		app.Defaults = "-"
	default:
		app.Defaults = strings.Join(s.App.Defaults, ",")
	}
	for _, p := range s.Plugins {
		r := root(s, p.Source)
		r.Kind, r.Name, r.Before, r.After = p.Kind, p.Name, p.Before, p.After
		plugins = append(plugins, r)
	}
	return app, plugins
}

func root(s *spec.Spec, src spec.Source) Root {
	r := Root{Module: src.Module, Query: src.Version, Package: src.Package}
	if r.Module == "" {
		r.Module = "-"
	}
	if src.Local() {
		r.Path = RelPath(s.Dir, src.Dir)
	}
	return r
}

// RelPath writes dir relative to base as ./a/b, slash-separated, so that a
// lock means the same on every machine and checkout location.
func RelPath(base, dir string) string {
	rel, err := filepath.Rel(base, dir)
	if err != nil {
		return filepath.ToSlash(dir)
	}
	rel = filepath.ToSlash(rel)
	if rel != "." && rel != ".." && !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}

// Directives returns the manifest's replace and exclude directives in the
// lock's form.
func Directives(s *spec.Spec) (replace, exclude []string) {
	for _, r := range s.Replace {
		old := r.OldPath
		if r.OldVersion != "" {
			old += "@" + r.OldVersion
		}
		newPath := r.NewPath
		if r.NewVersion == "" {
			newPath = RelPath(s.Dir, r.NewPath)
		} else {
			newPath += "@" + r.NewVersion
		}
		replace = append(replace, old+" => "+newPath)
	}
	for _, e := range s.Exclude {
		exclude = append(exclude, e.Path+"@"+e.Version)
	}
	return replace, exclude
}

// sameRequest reports whether two roots ask for the same thing, ignoring
// what they resolved to.
func sameRequest(a, b Root) bool {
	a.Version, b.Version = "", ""
	return a == b
}

func describe(r Root) string {
	switch {
	case r.Path != "":
		return r.Key() + " (path " + r.Path + ")"
	case r.Query != "":
		return r.Key() + "@" + r.Query
	}
	return r.Key()
}

// Drift lists every way the manifest and the local directories disagree
// with the lock, one readable line each. skip is passed to HashDir.
func Drift(s *spec.Spec, l *Lock, skip ...string) []string {
	return DriftWith(s, l, func(dir, module string) (string, error) { return HashDir(dir, module, skip...) })
}

// DriftWith is Drift with the function that hashes local modules, so that
// a caller that hashes them again later can remember the results.
func DriftWith(s *spec.Spec, l *Lock, hash func(dir, module string) (string, error)) []string {
	var diffs []string
	app, plugins := Roots(s)
	if !sameRequest(app, l.App) {
		diffs = append(diffs, fmt.Sprintf("app changed: weld.lock has %s, the manifest asks for %s", describe(l.App), describe(app)))
	}
	locked := map[string]Root{}
	for _, p := range l.Plugins {
		locked[p.Key()] = p
	}
	wanted := map[string]bool{}
	for _, p := range plugins {
		wanted[p.Key()] = true
		old, ok := locked[p.Key()]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("plugin %s added", describe(p)))
		case !sameRequest(old, p):
			diffs = append(diffs, fmt.Sprintf("plugin %s changed: weld.lock has %s", describe(p), describe(old)))
		}
	}
	for _, p := range l.Plugins {
		if !wanted[p.Key()] {
			diffs = append(diffs, fmt.Sprintf("plugin %s removed", describe(p)))
		}
	}
	if len(diffs) == 0 && len(plugins) == len(l.Plugins) {
		for i := range plugins {
			if plugins[i].Key() != l.Plugins[i].Key() {
				diffs = append(diffs, "plugin order changed")
				break
			}
		}
	}
	if d := adapterDrift(s, l); d != "" {
		diffs = append(diffs, d)
	}
	replace, exclude := Directives(s)
	if strings.Join(replace, "\n") != strings.Join(l.Replace, "\n") {
		diffs = append(diffs, "replace directives changed")
	}
	if strings.Join(exclude, "\n") != strings.Join(l.Exclude, "\n") {
		diffs = append(diffs, "exclude directives changed")
	}
	for _, sr := range l.Sysroots {
		want := s.TargetSettings(sr.Target).Sysroot.Debian
		if strings.Join(SortedCopy(want), ",") != strings.Join(sr.Request, ",") {
			diffs = append(diffs, fmt.Sprintf("sysroot packages for %s changed", sr.Target))
		}
	}
	for _, m := range l.Locals {
		dir := filepath.Join(s.Dir, filepath.FromSlash(m.Path))
		h, err := hash(dir, m.Module)
		switch {
		case err != nil:
			diffs = append(diffs, fmt.Sprintf("local module %s (%s) cannot be read: %v", m.Module, m.Path, err))
		case h != m.Hash:
			diffs = append(diffs, fmt.Sprintf("local module %s (%s) changed", m.Module, m.Path))
		}
	}
	return diffs
}

// SortedCopy returns a sorted copy of names.
func SortedCopy(names []string) []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	return out
}

// adapterDrift says how the adapter the manifest would get differs from
// the one in force when the lock was made, as far as that is known before
// resolving: the manifest's file and weld's embedded adapters are read
// here; one that a versioned app ships is fixed by the app's version, and
// a local app's by its content hash.
func adapterDrift(s *spec.Spec, l *Lock) string {
	var want *AdapterInForce
	switch {
	case s.App.Adapter != "":
		data, err := os.ReadFile(s.App.Adapter)
		if err != nil {
			return fmt.Sprintf("adapter %s cannot be read: %v", RelPath(s.Dir, s.App.Adapter), err)
		}
		want = &AdapterInForce{Source: adapter.FileSource(s.Dir, s.App.Adapter), Hash: adapter.Hash(data)}
	case l.Adapter != nil && l.Adapter.Source == "app":
		return ""
	default:
		if name, data, ok := adapter.Embedded(s.App.Module); ok {
			want = &AdapterInForce{Source: "embedded:" + name, Hash: adapter.Hash(data)}
		}
	}
	switch {
	case want == nil && l.Adapter == nil:
		return ""
	case want == nil:
		return fmt.Sprintf("adapter %s no longer applies", l.Adapter.Source)
	case l.Adapter == nil:
		return fmt.Sprintf("adapter %s added", want.Source)
	case *want != *l.Adapter:
		return fmt.Sprintf("adapter %s changed", want.Source)
	}
	return ""
}
