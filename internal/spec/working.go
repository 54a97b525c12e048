package spec

import (
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

// AddWorkingModule adds the module that holds the manifest's directory
// (the working directory, for flags) as a local plugin, unless it is the
// app or already listed: weld run --app inside a plugin module, the
// plugin author's loop.
func (s *Spec) AddWorkingModule() error {
	root, ok := ModuleRoot(s.Dir)
	if !ok {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	path := modfile.ModulePath(data)
	if path == "" || path == s.App.Module {
		return nil
	}
	for _, p := range s.Plugins {
		if p.Module == path {
			return nil
		}
	}
	p := Plugin{Source: Source{Module: path, Dir: root, RelDir: root, Pos: Pos{File: "working directory"}}}
	s.Plugins = append(s.Plugins, p)
	return s.Validate()
}

// ModuleRoot returns the nearest directory at or above dir that holds a
// go.mod.
func ModuleRoot(dir string) (string, bool) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
