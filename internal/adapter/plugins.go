package adapter

import (
	"fmt"
	"slices"
	"strings"

	"github.com/weldgo/weld/internal/spec"
)

// KeptDefaults returns the adapter's default plugins that the manifest
// keeps (app.defaults): all of them unless it names some, or none.
func (f *Found) KeptDefaults(app spec.App) ([]spec.AdapterPlugin, error) {
	if app.Defaults == nil {
		return f.Defaults, nil
	}
	var names []string
	byName := map[string]spec.AdapterPlugin{}
	for _, d := range f.Defaults {
		names = append(names, d.Name)
		byName[d.Name] = d
	}
	keep := map[string]bool{}
	for _, n := range app.Defaults {
		if _, ok := byName[n]; !ok {
			return nil, &spec.Error{Pos: app.DefaultsPos, Msg: fmt.Sprintf("app.defaults: %s is not a default plugin of %s (its adapter, %s, has: %s)",
				n, app.Module, f.File, strings.Join(names, ", "))}
		}
		keep[n] = true
	}
	var out []spec.AdapterPlugin
	for _, d := range f.Defaults {
		if keep[d.Name] {
			out = append(out, d)
		}
	}
	return out, nil
}

// Positioned is a plugin that takes a place in an ordered list.
type Positioned struct {
	Name, Before, After string
	// What names the plugin in errors, Pos is its manifest entry.
	What string
	Pos  spec.Pos
}

// Order places each plugin into the default order (the kept defaults'
// names, in the adapter's order): directly before or after its anchor,
// which may be a default or another plugin, or at the end. Plugins with
// the same anchor keep the manifest's order. An unknown anchor, a name
// used twice or a cycle is an error at the plugin's manifest entry.
func Order(defaults []string, plugins []Positioned) ([]string, error) {
	order := append([]string(nil), defaults...)
	isDefault := map[string]bool{}
	for _, d := range defaults {
		isDefault[d] = true
	}
	byName := map[string]int{}
	for i, p := range plugins {
		if p.Name == "" {
			return nil, &spec.Error{Pos: p.Pos, Msg: fmt.Sprintf("%s: the app's adapter wires plugins by name in an ordered list; give the plugin name: (and before: or after: to place it)", p.What)}
		}
		if isDefault[p.Name] {
			return nil, &spec.Error{Pos: p.Pos, Msg: fmt.Sprintf("%s: name %s is a default plugin of the app; choose another name, or leave the default out with app.defaults", p.What, p.Name)}
		}
		if j, dup := byName[p.Name]; dup {
			return nil, &spec.Error{Pos: p.Pos, Msg: fmt.Sprintf("%s: name %s is also the name of %s (%s)", p.What, p.Name, plugins[j].What, plugins[j].Pos)}
		}
		byName[p.Name] = i
	}
	placed := make([]bool, len(plugins))
	visiting := make([]bool, len(plugins))
	// after counts the plugins already put after each anchor, so that the
	// next one goes behind them and the manifest's order is kept.
	after := map[string]int{}
	var place func(i int, chain []string) error
	place = func(i int, chain []string) error {
		if placed[i] {
			return nil
		}
		p := plugins[i]
		if visiting[i] {
			return &spec.Error{Pos: p.Pos, Msg: fmt.Sprintf("%s: the before:/after: positions form a cycle: %s", p.What, strings.Join(append(chain, p.Name), " → "))}
		}
		visiting[i] = true
		anchor := p.Before + p.After
		if j, ok := byName[anchor]; ok {
			if err := place(j, append(chain, p.Name)); err != nil {
				return err
			}
		} else if anchor != "" && !isDefault[anchor] {
			key := "before"
			if p.After != "" {
				key = "after"
			}
			return &spec.Error{Pos: p.Pos, Msg: fmt.Sprintf("%s: %s: %s is not in the app's order (it has: %s)", p.What, key, anchor, strings.Join(order, ", "))}
		}
		at := len(order)
		if anchor != "" {
			k := slices.Index(order, anchor)
			at = k
			if p.After != "" {
				at = k + 1 + after[anchor]
				after[anchor]++
			}
		}
		order = slices.Insert(order, at, p.Name)
		placed[i] = true
		return nil
	}
	for i := range plugins {
		if err := place(i, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}
