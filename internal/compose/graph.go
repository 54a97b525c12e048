package compose

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/textlimit"
)

// MaxListed is how many plugins a message lists by name before it says
// "… and N more".
const MaxListed = 10

func (c *Composition) loadGraph(ctx context.Context, o Options) error {
	if c.graph != nil {
		return nil
	}
	g, err := moduleGraph(ctx, o.Go, o.WorkDir)
	if err != nil {
		return fmt.Errorf("reading the module graph: %w", err)
	}
	c.graph = g
	return nil
}

// pluginNode is the graph node of a plugin's module.
func (p Plugin) node() string {
	if p.Module.Local {
		return p.Module.Path + "@" + zeroVersion
	}
	return p.Module.Path + "@" + p.Module.Version
}

// pluginsRequiring returns the plugin modules from which a requirement on
// path@version can be reached. It walks the graph backwards from the
// requirement once, so that the cost does not multiply with the number of
// plugins.
func (c *Composition) pluginsRequiring(path, version string) []string {
	prev := map[string][]string{}
	for _, e := range c.graph {
		prev[e[1]] = append(prev[e[1]], e[0])
	}
	target := path + "@" + version
	reaches := map[string]bool{target: true}
	queue := []string{target}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, m := range prev[n] {
			if !reaches[m] {
				reaches[m] = true
				queue = append(queue, m)
			}
		}
	}
	var by []string
	for _, p := range c.Plugins {
		if p.Module.Path == "" || p.Module.Path == c.App.Path {
			continue
		}
		if reaches[p.node()] {
			by = append(by, p.Module.Path)
		}
	}
	sort.Strings(by)
	return dedupe(by)
}

// pathTo returns the shortest requirement chain from node to target, or nil.
func (c *Composition) pathTo(from, target string) []string {
	if c.next == nil {
		c.next = map[string][]string{}
		for _, e := range c.graph {
			c.next[e[0]] = append(c.next[e[0]], e[1])
		}
	}
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == target {
			var chain []string
			for ; n != ""; n = prev[n] {
				chain = append([]string{n}, chain...)
			}
			return chain
		}
		for _, m := range c.next[n] {
			if _, seen := prev[m]; !seen {
				prev[m] = n
				queue = append(queue, m)
			}
		}
	}
	return nil
}

// Why explains how the composition selects a module's version: what the
// app alone selects, what the composition selects, and the requirement
// chains from each plugin that lead to the selected version.
func (c *Composition) Why(ctx context.Context, o Options, path string) (string, error) {
	var sel *Module
	for i := range c.BuildList {
		if c.BuildList[i].Path == path {
			sel = &c.BuildList[i]
		}
	}
	if sel == nil {
		return "", fmt.Errorf("module %s is not in the composition's build list", path)
	}
	if err := c.loadGraph(ctx, o); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", path, sel.Version)
	for _, l := range c.Lifts {
		if l.Path == path {
			fmt.Fprintf(&b, "  lifted from %s (the app alone) to %s by %s\n", l.From, l.To, textlimit.Join(l.By, ", ", MaxListed))
		}
	}
	target := path + "@" + sel.Version
	roots := []string{c.appNode()}
	for _, p := range c.Plugins {
		if p.Module.Path != "" && p.Module.Path != c.App.Path {
			roots = append(roots, p.node())
		}
	}
	found := false
	for _, r := range roots {
		if chain := c.pathTo(r, target); chain != nil {
			found = true
			fmt.Fprintf(&b, "  %s\n", strings.Join(chain, " → "))
		}
	}
	if !found {
		fmt.Fprintf(&b, "  required only by the composition itself\n")
	}
	return b.String(), nil
}

func (c *Composition) appNode() string {
	if c.App.Local {
		return c.App.Path + "@" + zeroVersion
	}
	return c.App.Path + "@" + c.App.Version
}

// Sums returns the composed go.sum lines that the module graph still
// needs: each line's module@version is a node of the graph. A go.sum seeded
// from an older lock can hold lines for versions no longer required, and
// those are dropped so that the lock does not grow stale entries.
func (c *Composition) Sums(ctx context.Context, o Options) ([]string, error) {
	if err := c.loadGraph(ctx, o); err != nil {
		return nil, err
	}
	nodes := map[string]bool{}
	for _, e := range c.graph {
		nodes[e[0]], nodes[e[1]] = true, true
	}
	for _, m := range c.BuildList {
		nodes[m.Path+"@"+m.Version] = true
	}
	var out []string
	for _, line := range strings.Split(string(c.GoSum()), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		if nodes[f[0]+"@"+strings.TrimSuffix(f[1], "/go.mod")] || c.summed[line] {
			out = append(out, line)
		}
	}
	return out, nil
}

// completeSums remembers the go.sum lines that listing with the composed
// go.mod added to before (after), lines that module graph of the scratch
// module does not reach, so that Sums records them in the lock too.
func (c *Composition) completeSums(before, after []byte) {
	had := map[string]bool{}
	for _, line := range strings.Split(string(before), "\n") {
		had[strings.TrimSpace(line)] = true
	}
	for _, line := range strings.Split(string(after), "\n") {
		if line = strings.TrimSpace(line); line != "" && !had[line] {
			if c.summed == nil {
				c.summed = map[string]bool{}
			}
			c.summed[line] = true
		}
	}
}

// RaisedBy says who raised a module to its selected version, from what
// resolution found for weld why: the plugins that lift it above the app's
// own selection, or else the app itself.
func (c *Composition) RaisedBy(path string) string {
	for _, l := range c.Lifts {
		if l.Path != path {
			continue
		}
		switch len(l.By) {
		case 0:
			return "raised by the composition"
		case 1:
			return "raised by plugin " + l.By[0]
		}
		return "raised by plugins " + textlimit.Join(l.By, ", ", MaxListed)
	}
	if c.App.Local {
		return "selected by the app " + c.App.Path
	}
	return "selected by the app " + c.App.Path + " " + c.App.Version
}
