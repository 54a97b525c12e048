// Package cdeps finds the C libraries a composition needs and checks that
// they are available for a target before anything is compiled. Needs are
// discovered from `go list` (CgoFiles, CgoPkgConfig, CgoLDFLAGS), never
// declared by hand, and each one is attributed to the plugin or app module
// whose package asked for it.
package cdeps

import (
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/compose"
)

// Owner is the manifest entry a C need is attributed to.
type Owner struct {
	Kind   string // "app" or "plugin"
	Module string
	Source string // as written by the user, e.g. module@version
	Pos    string // manifest position
}

// Need is what one module's cgo packages require.
type Need struct {
	Owner    Owner
	Packages []string // import paths with cgo files
	// PkgConfig are pkg-config module names from #cgo pkg-config lines.
	PkgConfig []string
	// Libs are -l libraries from #cgo LDFLAGS lines.
	Libs []string
}

// UsesCgo reports whether any of the owner's packages has cgo files.
func (n Need) UsesCgo() bool { return len(n.Packages) > 0 }

// Find groups the composition's non-standard cgo packages by the app or
// plugin module they belong to. Modules that are dependencies of a plugin
// are attributed to every plugin that imports them. The result has one
// entry per app and plugin, in manifest order, including pure-Go ones.
func Find(c *compose.Composition) []Need {
	byPath := map[string]*compose.Package{}
	for _, p := range c.Packages {
		byPath[p.ImportPath] = p
	}
	roots := []struct {
		owner Owner
		pkg   string
	}{{Owner{"app", c.App.Path, c.Spec.App.Source.String(), c.Spec.App.Pos.String()}, appRoot(c)}}
	for _, p := range c.Plugins {
		src := p.Spec.Source.String()
		if p.Spec.Module == "" {
			src = p.Package
		}
		roots = append(roots, struct {
			owner Owner
			pkg   string
		}{Owner{"plugin", p.Module.Path, src, p.Spec.Pos.String()}, p.Package})
	}
	for _, d := range c.Defaults {
		if d.Package != "" {
			roots = append(roots, struct {
				owner Owner
				pkg   string
			}{Owner{"default plugin", d.Module.Path, d.Name, d.Spec.Pos.String()}, d.Package})
		}
	}
	var needs []Need
	for _, r := range roots {
		n := Need{Owner: r.owner}
		root := byPath[r.pkg]
		if root == nil {
			needs = append(needs, n)
			continue
		}
		for _, path := range append([]string{r.pkg}, root.Deps...) {
			p := byPath[path]
			if p == nil || p.Standard || len(p.CgoFiles) == 0 {
				continue
			}
			n.Packages = append(n.Packages, p.ImportPath)
			n.PkgConfig = append(n.PkgConfig, pkgConfigNames(p.CgoPkgConfig)...)
			n.Libs = append(n.Libs, libNames(p.CgoLDFLAGS)...)
		}
		n.PkgConfig, n.Libs = uniq(n.PkgConfig), uniq(n.Libs)
		needs = append(needs, n)
	}
	return needs
}

func appRoot(c *compose.Composition) string {
	if c.Spec.App.Entry != "" {
		pkg, _ := c.Spec.App.EntryPackage()
		return pkg
	}
	return c.Spec.App.ImportPath()
}

// pkgConfigNames drops pkg-config options (such as --static) and version
// constraints, keeping module names.
func pkgConfigNames(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// libNames extracts -lNAME libraries from linker flags.
func libNames(flags []string) []string {
	var out []string
	for i, f := range flags {
		switch {
		case f == "-l" && i+1 < len(flags):
			out = append(out, flags[i+1])
		case strings.HasPrefix(f, "-l") && len(f) > 2:
			out = append(out, f[2:])
		}
	}
	return out
}

func uniq(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
