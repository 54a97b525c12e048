package compose

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/weldgo/weld/internal/adapter"
	"github.com/weldgo/weld/internal/spec"
)

// Snapshot is a resolved composition in a form that can be stored and
// restored without running the go command: what a build needs and nothing
// that depends on the work directory's name.
type Snapshot struct {
	App         Module
	Plugins     []snapshotPlugin
	MainPackage string
	BuildList   []Module
	Lifts       []Lift
	Packages    []*Package
	UsesSDK     bool
	InPlace     bool
	// BuildDirKind is "app" (the local app's own directory), "copy" (a
	// copy of a versioned app in the work directory) or "work".
	BuildDirKind string
	// Files are the composed files, relative to the build directory.
	Files map[string][]byte
	// Links are the work directory's links to replaced directories.
	Links map[string]string
	// Adapter, Defaults and Order are what the adapter decided.
	Adapter  *adapter.Found
	Defaults []Plugin
	Order    []string
}

type snapshotPlugin struct {
	Module     Module
	Package    string
	Kind, Name string
}

// Snapshot captures c. Standard-library packages are left out: nothing
// after resolution looks at them.
func (c *Composition) Snapshot() (*Snapshot, error) {
	s := &Snapshot{App: c.App, MainPackage: c.MainPackage, BuildList: c.BuildList, Lifts: c.Lifts,
		UsesSDK: c.UsesSDK, InPlace: c.InPlace, Files: map[string][]byte{}, Links: map[string]string{},
		Adapter: c.Adapter, Defaults: c.Defaults, Order: c.Order}
	for _, p := range c.Plugins {
		s.Plugins = append(s.Plugins, snapshotPlugin{p.Module, p.Package, p.Kind, p.Name})
	}
	for _, p := range c.Packages {
		if !p.Standard {
			s.Packages = append(s.Packages, p)
		}
	}
	switch c.BuildDir {
	case c.App.Dir:
		s.BuildDirKind = "app"
	case c.work:
		s.BuildDirKind = "work"
	default:
		s.BuildDirKind = "copy"
	}
	for name, data := range c.Overlay {
		rel, err := filepath.Rel(c.BuildDir, name)
		if err != nil {
			return nil, err
		}
		s.Files[filepath.ToSlash(rel)] = data
	}
	links, _ := filepath.Glob(filepath.Join(c.work, "locals", "*"))
	for _, l := range links {
		target, err := os.Readlink(l)
		if err != nil {
			return nil, err
		}
		s.Links[filepath.Base(l)] = target
	}
	return s, nil
}

// Restore rebuilds a composition of sp from a snapshot in workDir. It
// fails when something the snapshot points at is gone (a versioned app's
// module cache directory, say); the caller then resolves afresh.
func Restore(sp *spec.Spec, workDir string, s *Snapshot) (*Composition, error) {
	if len(s.Plugins) != len(sp.Plugins) {
		return nil, fmt.Errorf("snapshot has %d plugins, the manifest %d", len(s.Plugins), len(sp.Plugins))
	}
	c := &Composition{Spec: sp, App: s.App, MainPackage: s.MainPackage, BuildList: s.BuildList, Lifts: s.Lifts,
		Packages: s.Packages, UsesSDK: s.UsesSDK, InPlace: s.InPlace, work: workDir, Overlay: map[string][]byte{},
		Adapter: s.Adapter, Defaults: s.Defaults, Order: s.Order}
	for i, p := range s.Plugins {
		if sp.Plugins[i].Local() {
			p.Module.Dir = sp.Plugins[i].Dir
		}
		c.Plugins = append(c.Plugins, Plugin{Spec: sp.Plugins[i], Module: p.Module, Package: p.Package, Kind: p.Kind, Name: p.Name})
	}
	if sp.App.Local() {
		c.App.Dir = sp.App.Dir
	}
	switch s.BuildDirKind {
	case "app":
		c.BuildDir = c.App.Dir
	case "work":
		c.BuildDir = workDir
	case "copy":
		c.BuildDir = filepath.Join(workDir, "app")
		if err := copyTree(s.App.Dir, c.BuildDir); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("snapshot: unknown build directory kind %q", s.BuildDirKind)
	}
	if _, err := os.Stat(c.BuildDir); err != nil {
		return nil, err
	}
	for name, target := range s.Links {
		if _, err := os.Stat(target); err != nil {
			return nil, err
		}
		link := filepath.Join(workDir, "locals", name)
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			return nil, err
		}
		if err := os.Symlink(target, link); err != nil {
			return nil, err
		}
	}
	for rel, data := range s.Files {
		c.Overlay[filepath.Join(c.BuildDir, filepath.FromSlash(rel))] = data
	}
	return c, nil
}

// Encode and DecodeSnapshot store a snapshot as JSON.
func (s *Snapshot) Encode() ([]byte, error) { return json.Marshal(s) }

// DecodeSnapshot is the inverse of Encode.
func DecodeSnapshot(data []byte) (*Snapshot, error) {
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
