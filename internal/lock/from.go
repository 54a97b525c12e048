package lock

import (
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/spec"
)

// New records a resolved composition of the manifest s (as written, before
// any version was pinned). goVersion is the toolchain that resolved it;
// hashes maps each local module's path to its HashDir, and sums are the
// go.sum lines to record.
func New(s *spec.Spec, c *compose.Composition, goVersion string, hashes map[string]string, sums []string) *Lock {
	l := &Lock{Version: FormatVersion, Go: goVersion}
	l.App, l.Plugins = Roots(s)
	l.App.Version = c.App.RecordVersion()
	for i, p := range c.Plugins {
		l.Plugins[i].Version = p.Module.RecordVersion()
		if p.Spec.Module == "" {
			l.Plugins[i].Version = "-"
		}
	}
	for _, m := range LocalModules(c) {
		l.Locals = append(l.Locals, LocalModule{Module: m.Path, Path: RelPath(s.Dir, m.Dir), Hash: hashes[m.Path]})
	}
	l.Replace, l.Exclude = Directives(s)
	for _, m := range c.BuildList {
		l.Modules = append(l.Modules, Module{Path: m.Path, Version: m.Version})
	}
	l.Sums = sums
	if a := c.Adapter; a != nil {
		l.Adapter = &AdapterInForce{Source: a.Source, Hash: a.Hash}
	}
	return l
}

// LocalModules returns every module of the composition that is taken from
// a directory: a local app or plugin, or a directory replacement.
func LocalModules(c *compose.Composition) []compose.Module {
	var out []compose.Module
	for _, m := range c.Modules() {
		if m.Local && m.Dir != "" {
			out = append(out, m)
		}
	}
	return out
}
