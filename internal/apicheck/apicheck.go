// Package apicheck tells, before anything is compiled, which plugin uses a
// part of a module's API that changed incompatibly between the version the
// plugin was written against and the version the composition selects.
//
// For each plugin, and each module that the plugin's go.mod requires at a
// version other than the selected one, the plugin's packages are
// type-checked against the plugin's own build list (the versions it was
// written for), which says what they use: the identifiers they name, and
// the API interfaces their own types are passed as. The two versions of
// each API package they import are compared with golang.org/x/exp/apidiff,
// and only the incompatible changes to what the plugin uses are reported,
// each at the plugin's file and line. Only modules whose packages the
// plugin imports are compared: a type it reaches only through another
// module's API is left to go build, so that checking a plugin compiles
// no more than the API modules it imports at their older versions. Package types come from the
// compiler's export data, through `go list -export`, as go build would
// make them.
package apicheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/weldgo/weld/internal/gobuild"
)

// Plugin is a plugin module of the composition.
type Plugin struct {
	Module string
	// Version is the selected version; "" for a local module.
	Version string
	// Dir is the module's root directory (local, or in the module cache).
	Dir string
	// Packages are the plugin module's packages that the build compiles.
	Packages []string
	// ImportedModules are the modules of the packages those packages
	// import; nil when not known (then every requirement counts).
	ImportedModules []string
}

// Options configures Check.
type Options struct {
	Go gobuild.GoCommand
	// Composed is the directory of a module whose build list is the
	// composition's: the selected versions' packages are listed there.
	Composed string
	// ModFile, when set, is the go.mod read there instead of Composed's
	// own (with its go.sum beside it, as for go's -modfile): the one go
	// build reads, when it is given through -overlay.
	ModFile string
	// ScratchDir is an empty directory Check may write to.
	ScratchDir string
	// Selected maps each module of the build list to its selected
	// version; modules replaced by a directory are left out.
	Selected map[string]string
	Plugins  []Plugin
	// Env (KEY=VALUE) and Tags are the build's, so that the export data
	// listed is what go build compiles, from the same build cache.
	Env  []string
	Tags []string
	// GoSum seeds the go.sum of the modules that list a plugin on its
	// own, so that downloads are verified against the composition's sums.
	GoSum []byte
	// Start, when set, is called when the check has plugins to compare,
	// with their number; the function it returns when the check ends.
	Start func(plugins int) (done func())
	// Compared, when set, is called once for every API package compared
	// between two versions.
	Compared func(pkg, oldVersion, newVersion string)

	// ownBuildLists makes every plugin load with its own build list, as
	// when its group's listing fails (tests).
	ownBuildLists bool
}

// Finding is one incompatible change that a plugin uses.
type Finding struct {
	Plugin string // the plugin's module path
	// Module is the API module; Required is its version in the plugin's
	// own build list, Selected the composition's.
	Module, Required, Selected string
	// Use is what the plugin uses ("api.Canvas.Draw"), or for a type
	// passed as an API interface, "shapeplug.square as api.Shape".
	Use string
	// Implements is set when Use is a type passed as an interface.
	Implements bool
	// Pos is the use's file:line, relative to the plugin module's root.
	Pos string
	// Change says what changed ("removed", "signature changed"), and
	// Detail how, or after Change, what it means for the plugin.
	Change, Detail string
}

// String is the finding as weld reports it.
func (f Finding) String() string {
	verb := "uses"
	if f.Implements {
		verb = "passes"
	}
	s := fmt.Sprintf("plugin %s %s %s (%s): %s between %s %s (required by the plugin) and %s (selected)",
		f.Plugin, verb, f.Use, f.Pos, f.Change, f.Module, f.Required, f.Selected)
	if f.Detail != "" {
		s += f.Detail
	}
	return s
}

// Check reports, for each plugin, the incompatible API changes it uses,
// in the order of o.Plugins, then by position.
func Check(ctx context.Context, o Options) ([]Finding, error) {
	groups, err := groupPlugins(o)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	if o.Start != nil {
		n := 0
		for _, g := range groups {
			n += len(g.plugins)
		}
		defer o.Start(n)()
	}
	var checked []*pluginUse
	for i, g := range groups {
		us, err := g.load(ctx, o, filepath.Join(o.ScratchDir, fmt.Sprintf("group%d", i)))
		if err != nil {
			return nil, err
		}
		checked = append(checked, us...)
	}
	if len(checked) == 0 {
		return nil, nil
	}
	selected, err := loadSelected(ctx, o, checked)
	if err != nil {
		return nil, fmt.Errorf("listing the selected API packages: %w", err)
	}
	cache := map[string][]change{}
	var out []Finding
	for _, u := range checked {
		out = append(out, u.findings(o, selected, cache)...)
	}
	order := map[string]int{}
	for i, p := range o.Plugins {
		order[p.Module] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Plugin != out[j].Plugin {
			return order[out[i].Plugin] < order[out[j].Plugin]
		}
		if out[i].Pos != out[j].Pos {
			return lessPos(out[i].Pos, out[j].Pos)
		}
		// Uses on one line come from maps: order them by name.
		return out[i].String() < out[j].String()
	})
	return out, nil
}

// differingRequirements returns the modules that the plugin's go.mod
// requires at a version other than the selected one, with that version.
func differingRequirements(p Plugin, selected map[string]string) (map[string]string, error) {
	name := filepath.Join(p.Dir, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	f, err := modfile.ParseLax(name, data, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range f.Require {
		if sel, ok := selected[r.Mod.Path]; ok && sel != r.Mod.Version {
			out[r.Mod.Path] = r.Mod.Version
		}
	}
	return out, nil
}

// composedModFile is the go.mod whose build list is the composition's.
func composedModFile(o Options) string {
	if o.ModFile != "" {
		return o.ModFile
	}
	return filepath.Join(o.Composed, "go.mod")
}

// lessPos orders "file:line" positions by file, then numerically by line.
func lessPos(a, b string) bool {
	fa, la, _ := strings.Cut(a, ":")
	fb, lb, _ := strings.Cut(b, ":")
	if fa != fb {
		return fa < fb
	}
	if len(la) != len(lb) {
		return len(la) < len(lb)
	}
	return la < lb
}
