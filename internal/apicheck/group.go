package apicheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// group is the plugins that require the same versions of the modules the
// composition selects otherwise. They are listed together, in one go
// command: the composition's module with those modules pinned back to
// the required versions. Plugins written against one release of an app
// usually form one group, however many there are.
type group struct {
	pins    map[string]string // module path → required version
	plugins []groupMember
}

type groupMember struct {
	index  int // in Options.Plugins
	plugin Plugin
	differ map[string]string
}

// groupPlugins sorts the plugins that require some module at another
// version than the selected one into groups.
func groupPlugins(o Options) ([]*group, error) {
	replaced, err := composedReplacements(composedModFile(o))
	if err != nil {
		return nil, err
	}
	var groups []*group
	byKey := map[string]*group{}
	for i, p := range o.Plugins {
		if p.Module == "" || len(p.Packages) == 0 {
			continue
		}
		differ, err := differingRequirements(p, o.Selected)
		if err != nil {
			return nil, fmt.Errorf("plugin %s: %w", p.Module, err)
		}
		imported := map[string]bool{}
		for _, m := range p.ImportedModules {
			imported[m] = true
		}
		var key []string
		for m, v := range differ {
			// Only the modules the plugin's packages import are
			// compared (see the package documentation); one the
			// composition replaces is not the selected version's.
			if (p.ImportedModules != nil && !imported[m]) || replaced[m] {
				delete(differ, m)
				continue
			}
			key = append(key, m+"@"+v)
		}
		if len(differ) == 0 {
			continue
		}
		sort.Strings(key)
		k := strings.Join(key, " ")
		g := byKey[k]
		if g == nil {
			g = &group{pins: differ}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.plugins = append(g.plugins, groupMember{index: i, plugin: p, differ: differ})
	}
	return groups, nil
}

// composedReplacements are the modules the composition's go.mod replaces.
func composedReplacements(modFile string) (map[string]bool, error) {
	f, err := readModFile(modFile)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, r := range f.Replace {
		out[r.Old.Path] = true
	}
	return out, nil
}

func readModFile(name string) (*modfile.File, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return modfile.ParseLax(name, data, nil)
}

// load type-checks the group's plugins with its pins, and on their own
// (their own build list) the plugins whose packages do not load so, for
// example because another module of the composition needs the newer
// version.
func (g *group) load(ctx context.Context, o Options, dir string) ([]*pluginUse, error) {
	var list []*listedPackage
	if !o.ownBuildLists {
		modFile, err := writeGroupModFile(o, g.pins, dir)
		if err != nil {
			return nil, err
		}
		var pkgs []string
		for _, m := range g.plugins {
			pkgs = append(pkgs, m.plugin.Packages...)
		}
		if list, err = listExport(ctx, o, o.Composed, modFile, pkgs); err != nil {
			return nil, err
		}
	}
	l := newListing(list)
	var out []*pluginUse
	for _, m := range g.plugins {
		u, ok := usesFrom(o, m.plugin, m.differ, l)
		if !ok || o.ownBuildLists {
			var err error
			if u, err = loadPlugin(ctx, o, m.plugin, m.differ, filepath.Join(o.ScratchDir, fmt.Sprintf("plugin%d", m.index))); err != nil {
				return nil, fmt.Errorf("plugin %s: %w", m.plugin.Module, err)
			}
		}
		if u != nil && len(u.apis) > 0 {
			out = append(out, u)
		}
	}
	return out, nil
}

// writeGroupModFile writes, in dir, the composition's go.mod with the
// pinned modules replaced by their required versions, and its go.sum.
func writeGroupModFile(o Options, pins map[string]string, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := readModFile(composedModFile(o))
	if err != nil {
		return "", err
	}
	for m, v := range pins {
		if err := f.AddReplace(m, "", m, v); err != nil {
			return "", err
		}
	}
	data, err := f.Format()
	if err != nil {
		return "", err
	}
	modFile := filepath.Join(dir, "group.mod")
	if err := os.WriteFile(modFile, data, 0o644); err != nil {
		return "", err
	}
	sums, _ := os.ReadFile(strings.TrimSuffix(composedModFile(o), ".mod") + ".sum")
	sums = append(append(sums, '\n'), o.GoSum...)
	return modFile, os.WriteFile(strings.TrimSuffix(modFile, ".mod")+".sum", sums, 0o644)
}
