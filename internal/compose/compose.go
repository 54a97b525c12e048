// Package compose turns a Spec into a composition: the go.mod, go.sum and
// generated Go file that compile an application together with its plugins.
//
// Version selection is the Go toolchain's job. compose writes a scratch
// module in a work directory that requires the app and the plugins, and
// lets `go mod download`, `go list -mod=mod` and `go mod graph` resolve it.
// The user's directories are only read.
package compose

import (
	"path/filepath"

	"github.com/weldgo/weld/internal/adapter"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
)

// Options configures Resolve.
type Options struct {
	Spec *spec.Spec
	Go   gobuild.GoCommand
	// WorkDir is an empty directory that Resolve may write to. It holds
	// the scratch module, and for entry apps the module that is built.
	WorkDir string
	// AllowAppUpgrade lets a plugin raise the app module's version.
	AllowAppUpgrade bool
	// Warn receives one line per warning.
	Warn func(string)
	// GoSum seeds the scratch module's go.sum, typically with the sums
	// from weld.lock, so that the go command verifies every download
	// against them.
	GoSum []byte
}

// Module is a resolved module.
type Module struct {
	Path    string
	Version string // the selected version; "" for a local module
	Dir     string // source directory: local, or in the module cache
	Local   bool
}

// RecordVersion is the version written into the composition record.
func (m Module) RecordVersion() string {
	if m.Local {
		return LocalVersion
	}
	return m.Version
}

// Plugin is a resolved plugin.
type Plugin struct {
	Spec    spec.Plugin
	Module  Module
	Package string
	// Default marks a default plugin of the app's adapter.
	Default bool
	// Kind is the plugin's factory kind, and Name its entry in an
	// ordered list, for adapters that wire so.
	Kind, Name string
}

// Lift is a module that the plugins raise above the version that the app
// alone selects.
type Lift struct {
	Path     string
	From, To string
	// By lists the plugin modules whose requirements lead to To.
	By []string
}

// Composition is a resolved composition, ready to build.
type Composition struct {
	Spec    *spec.Spec
	App     Module
	Plugins []Plugin
	// MainPackage is the package that go build compiles: the app's main
	// package, or the generated main for an entry app.
	MainPackage string
	// BuildList is every module in the build except the main module.
	BuildList []Module
	// Lifts are the modules raised by plugins, sorted by path.
	Lifts []Lift
	// Packages is every package in the build, from go list -deps.
	Packages []*Package
	UsesSDK  bool
	// Adapter is the adapter in force, or nil; Defaults are its default
	// plugins that the manifest keeps, and Order the ordered list's names
	// (ordered wiring).
	Adapter  *adapter.Found
	Defaults []Plugin
	Order    []string
	// appAlone is the app's own build list, by module path, when a
	// default plugin's version follows it.
	appAlone map[string]string
	// summed are go.sum lines the composed go.mod needs (checkMain).
	summed map[string]bool

	// BuildDir is where go build runs: the app's module directory, or
	// WorkDir for an entry app.
	BuildDir string
	// Overlay maps files under BuildDir to their composed content. For an
	// app built in place these are go.mod, go.sum and the generated file,
	// passed to go build -overlay; for an entry app they are written to
	// WorkDir.
	Overlay map[string][]byte
	// InPlace is true when the app's own directory is built with -overlay.
	InPlace bool
	// Graph is the scratch module's `go mod graph`, loaded on demand.
	graph [][2]string
	next  map[string][]string // graph's edges by their start, built on demand
	work  string
	// localHashes are the local modules' lock hashes, for the record.
	localHashes map[string]string
}

// Record returns what the binary will report about itself.
func (c *Composition) Record() Record {
	r := Record{Name: c.Spec.Name, App: ModuleVersion{c.App.Path, c.App.RecordVersion()}}
	if c.Spec.App.Entry != "" {
		r.Entry = c.Spec.App.Entry
	} else {
		r.Main = c.MainPackage
	}
	for _, p := range c.Plugins {
		r.Plugins = append(r.Plugins, RecordPlugin{ModuleVersion{p.Module.Path, p.Module.RecordVersion()}, p.Package})
	}
	return r
}

// GoSum returns the composed go.sum.
func (c *Composition) GoSum() []byte {
	return c.Overlay[filepath.Join(c.BuildDir, "go.sum")]
}

// Modules returns the app, the plugins' modules and the build list, in
// that order, each module once (by path).
func (c *Composition) Modules() []Module {
	seen := map[string]bool{}
	var out []Module
	add := func(m Module) {
		if !seen[m.Path] {
			seen[m.Path] = true
			out = append(out, m)
		}
	}
	add(c.App)
	for _, p := range c.Plugins {
		add(p.Module)
	}
	for _, m := range c.BuildList {
		add(m)
	}
	return out
}
