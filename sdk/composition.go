package sdk

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Module is a Go module at a version. Version is "(local)" for a module that
// weld composed from a directory rather than from a module version.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version"`
}

// Plugin is one plugin compiled into the binary.
type Plugin struct {
	// Module is the module that provides the plugin.
	Module Module `json:"module"`
	// Package is the import path that weld compiled in.
	Package string `json:"package"`
}

// Composition is what weld compiled into the running binary.
type Composition struct {
	// Name is the binary's name from the manifest.
	Name string `json:"name"`
	// App is the application module.
	App Module `json:"app"`
	// Main is the application's main package, or "" when the application
	// was started through Entry.
	Main string `json:"main,omitempty"`
	// Entry is the application's entry function ("importpath.Func"), or ""
	// when the application has its own main package.
	Entry string `json:"entry,omitempty"`
	// Plugins are the composed plugins, in manifest order.
	Plugins []Plugin `json:"plugins"`
}

var (
	compositionMu  sync.RWMutex
	composition    Composition
	hasComposition bool
)

// Composed returns what weld compiled into this binary. ok is false when the
// binary was not built by weld (for example by a plain go build).
func Composed() (c Composition, ok bool) {
	compositionMu.RLock()
	defer compositionMu.RUnlock()
	if !hasComposition {
		return Composition{}, false
	}
	c = composition
	c.Plugins = append([]Plugin(nil), composition.Plugins...)
	return c, true
}

// SetComposition records the composition. It is called by the file that
// weld generates into the binary and is not meant for application code. It
// panics on a malformed record: that can only be a weld bug, and a binary
// that misreports its plugins must not start.
func SetComposition(record string) {
	c, err := ParseComposition(record)
	if err != nil {
		panic("sdk.SetComposition: " + err.Error())
	}
	compositionMu.Lock()
	defer compositionMu.Unlock()
	composition, hasComposition = c, true
}

// compositionMagic starts every composition record. weld writes the record
// into the binary as one string, so that `weld inspect` finds it there.
const compositionMagic = "weld.composition/v1"

// ParseComposition decodes the line-oriented record that weld generates:
//
//	weld.composition/v1
//	name NAME
//	app MODULE VERSION
//	main PACKAGE        (or: entry IMPORTPATH.FUNC)
//	plugin MODULE VERSION PACKAGE
//	end
//
// Fields are separated by single spaces; module paths, versions and import
// paths never contain spaces, and no field is empty. The name, app, main and
// entry lines appear at most once each, and main and entry exclude each
// other.
func ParseComposition(record string) (Composition, error) {
	lines := strings.Split(strings.TrimSuffix(record, "\n"), "\n")
	if len(lines) == 0 || lines[0] != compositionMagic {
		return Composition{}, fmt.Errorf("composition record does not start with %q", compositionMagic)
	}
	var c Composition
	ended := false
	seen := map[string]bool{}
	for i, line := range lines[1:] {
		if ended {
			return Composition{}, fmt.Errorf("composition record line %d: text after end", i+2)
		}
		f := strings.Split(line, " ")
		if slices.Contains(f, "") {
			return Composition{}, fmt.Errorf("composition record line %d: empty field in %q", i+2, line)
		}
		if (f[0] == "name" || f[0] == "app" || f[0] == "main" || f[0] == "entry") && seen[f[0]] {
			return Composition{}, fmt.Errorf("composition record line %d: second %s line", i+2, f[0])
		}
		seen[f[0]] = true
		switch {
		case f[0] == "end" && len(f) == 1:
			ended = true
		case f[0] == "name" && len(f) == 2:
			c.Name = f[1]
		case f[0] == "app" && len(f) == 3:
			c.App = Module{Path: f[1], Version: f[2]}
		case f[0] == "main" && len(f) == 2:
			c.Main = f[1]
		case f[0] == "entry" && len(f) == 2:
			c.Entry = f[1]
		case f[0] == "plugin" && len(f) == 4:
			c.Plugins = append(c.Plugins, Plugin{Module: Module{Path: f[1], Version: f[2]}, Package: f[3]})
		default:
			return Composition{}, fmt.Errorf("composition record line %d: malformed %q", i+2, line)
		}
	}
	if !ended {
		return Composition{}, fmt.Errorf("composition record has no end line")
	}
	if c.Main != "" && c.Entry != "" {
		return Composition{}, fmt.Errorf("composition record names both a main package and an entry function")
	}
	if c.App.Path == "" {
		return Composition{}, fmt.Errorf("composition record names no app")
	}
	return c, nil
}
