// Package serve is weld serve: a web page and a JSON API that build the
// compositions an operator's catalog allows, keyed by their lock hash,
// with a bounded queue, and finished builds kept in an object store.
package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v4"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/weldgo/weld/internal/target"
)

// Output kinds a catalog may offer.
const (
	OutputBinary  = "binary"
	OutputArchive = "archive" // a .zip for Windows targets, a .tar.gz for the others
	OutputDeb     = "deb"
	OutputImage   = "image" // a docker-loadable image tarball
)

var outputKinds = []string{OutputBinary, OutputArchive, OutputDeb, OutputImage}

// Catalog is the operator's file: what users may build.
type Catalog struct {
	File    string
	Apps    []Module
	Plugins []Module
	Targets []string
	Outputs []string
	Private Private
}

// Module is an app or a plugin users may pick.
type Module struct {
	// Name is what requests call it; the module path is accepted too.
	Name        string `json:"name"`
	Module      string `json:"module"`
	Description string `json:"description,omitempty"`
	// Versions is the allowed versions: a list, or Constraint.
	Versions   []string    `json:"versions,omitempty"`
	Constraint *Constraint `json:"-"`
	Allowed    string      `json:"allowed"`
	// Path is a local module directory (absolute) instead of versions,
	// for the operator's own modules.
	Path string `json:"-"`
	// Adapter is an adapter file (absolute) for an app that ships none.
	Adapter string `json:"-"`
	// Apps limits a plugin to these apps (by name); empty means all.
	Apps []string `json:"apps,omitempty"`
	line int
}

// Local says whether the module is taken from a directory.
func (m Module) Local() bool { return m.Path != "" }

// Private are the settings for modules that are not public.
type Private struct {
	// GOPRIVATE is passed to the go command (and GONOSUMDB follows it).
	GOPRIVATE string
	// Netrc is a netrc file (absolute) with the credentials of private
	// module hosts, passed as NETRC.
	Netrc string
}

// CatalogError is a catalog problem at a line.
type CatalogError struct {
	File string
	Line int
	Msg  string
}

func (e *CatalogError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// LoadCatalog reads and checks a catalog file.
func LoadCatalog(file string) (*Catalog, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading catalog: %w", err)
	}
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, fmt.Errorf("reading catalog: %w", err)
	}
	return ParseCatalog(file, dir, data)
}

// ParseCatalog decodes a catalog; relative paths in it are resolved
// against dir.
func ParseCatalog(file, dir string, data []byte) (*Catalog, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p := catalogParser{file: file, dir: dir}
	c := &Catalog{File: file}
	if len(doc.Content) == 0 {
		return nil, p.errorf(&doc, "the catalog is empty; it needs apps, plugins and targets (see docs/serve.md)")
	}
	root := doc.Content[0]
	err := p.mapping(root, "the catalog", map[string]func(*yaml.Node) error{
		"apps":    p.modules(&c.Apps, "app"),
		"plugins": p.modules(&c.Plugins, "plugin"),
		"targets": func(n *yaml.Node) error { return p.targets(n, &c.Targets) },
		"outputs": func(n *yaml.Node) error { return p.outputs(n, &c.Outputs) },
		"private": func(n *yaml.Node) error {
			return p.mapping(n, "private", map[string]func(*yaml.Node) error{
				"goprivate": p.str(&c.Private.GOPRIVATE, "private.goprivate"),
				"netrc": func(n *yaml.Node) error {
					if err := p.str(&c.Private.Netrc, "private.netrc")(n); err != nil {
						return err
					}
					c.Private.Netrc = p.abs(c.Private.Netrc)
					if _, err := os.Stat(c.Private.Netrc); err != nil {
						return p.errorf(n, "private.netrc: %v", err)
					}
					return nil
				},
			})
		},
	})
	if err != nil {
		return nil, err
	}
	if len(c.Apps) == 0 {
		return nil, p.errorf(root, "the catalog names no apps; add apps: with at least one module")
	}
	if len(c.Targets) == 0 {
		return nil, p.errorf(root, "the catalog names no targets; add targets: such as [linux/amd64]")
	}
	if len(c.Outputs) == 0 {
		c.Outputs = []string{OutputBinary}
	}
	return c, p.crossCheck(c)
}

// crossCheck checks what relates entries: unique names, plugins' apps.
func (p *catalogParser) crossCheck(c *Catalog) error {
	seen := map[string]bool{}
	for _, list := range [][]Module{c.Apps, c.Plugins} {
		for _, m := range list {
			if seen[m.Name] || seen[m.Module] {
				return &CatalogError{p.file, m.line, fmt.Sprintf("%s is listed twice; give each entry its own name", m.Name)}
			}
			seen[m.Name], seen[m.Module] = true, true
		}
	}
	for _, pl := range c.Plugins {
		for _, a := range pl.Apps {
			if c.App(a) == nil {
				return &CatalogError{p.file, pl.line, fmt.Sprintf("plugin %s names app %q, which the catalog does not list", pl.Name, a)}
			}
		}
	}
	return nil
}

// App finds an app by name or module path.
func (c *Catalog) App(name string) *Module { return find(c.Apps, name) }

// Plugin finds a plugin by name or module path.
func (c *Catalog) Plugin(name string) *Module { return find(c.Plugins, name) }

// PluginsFor lists the plugins an app may be built with.
func (c *Catalog) PluginsFor(app *Module) []Module {
	var out []Module
	for _, p := range c.Plugins {
		if len(p.Apps) == 0 || slices.Contains(p.Apps, app.Name) {
			out = append(out, p)
		}
	}
	return out
}

func find(list []Module, name string) *Module {
	for i := range list {
		if list[i].Name == name || list[i].Module == name {
			return &list[i]
		}
	}
	return nil
}

type catalogParser struct{ file, dir string }

func (p *catalogParser) errorf(n *yaml.Node, format string, args ...any) error {
	line := max(n.Line, 1) // an empty document has no line
	return &CatalogError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *catalogParser) abs(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(p.dir, path)
}

// mapping calls each key's function, and refuses keys it does not know.
func (p *catalogParser) mapping(n *yaml.Node, what string, keys map[string]func(*yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "%s must be a mapping of keys to values", what)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := keys[k.Value]
		if !ok {
			known := make([]string, 0, len(keys))
			for name := range keys {
				known = append(known, name)
			}
			slices.Sort(known)
			return p.errorf(k, "unknown key %q in %s; known keys: %s", k.Value, what, strings.Join(known, ", "))
		}
		if err := f(v); err != nil {
			return err
		}
	}
	return nil
}

func (p *catalogParser) str(dst *string, what string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		if n.Kind != yaml.ScalarNode {
			return p.errorf(n, "%s must be a string", what)
		}
		*dst = n.Value
		return nil
	}
}

func (p *catalogParser) list(n *yaml.Node, what string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, "%s must be a list, such as [a, b]", what)
	}
	var out []string
	for _, e := range n.Content {
		if e.Kind != yaml.ScalarNode {
			return nil, p.errorf(e, "each entry of %s must be a string", what)
		}
		out = append(out, e.Value)
	}
	return out, nil
}

func (p *catalogParser) targets(n *yaml.Node, dst *[]string) error {
	names, err := p.list(n, "targets")
	if err != nil {
		return err
	}
	for i, name := range names {
		t, err := target.Parse(name)
		if err != nil {
			return p.errorf(n.Content[i], "targets: %v", err)
		}
		*dst = append(*dst, t.String())
	}
	return nil
}

func (p *catalogParser) outputs(n *yaml.Node, dst *[]string) error {
	kinds, err := p.list(n, "outputs")
	if err != nil {
		return err
	}
	for i, k := range kinds {
		if !slices.Contains(outputKinds, k) {
			return p.errorf(n.Content[i], "unknown output %q; outputs are %s", k, strings.Join(outputKinds, ", "))
		}
	}
	*dst = kinds
	return nil
}

func (p *catalogParser) modules(dst *[]Module, what string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		if n.Kind != yaml.SequenceNode {
			return p.errorf(n, "%ss must be a list of entries with a module", what)
		}
		for _, e := range n.Content {
			m, err := p.module(e, what)
			if err != nil {
				return err
			}
			*dst = append(*dst, m)
		}
		return nil
	}
}

func (p *catalogParser) module(n *yaml.Node, what string) (Module, error) {
	m := Module{line: n.Line}
	var path, adapter string
	var versions *yaml.Node
	keys := map[string]func(*yaml.Node) error{
		"name":        p.str(&m.Name, what+" name"),
		"module":      p.str(&m.Module, what+" module"),
		"description": p.str(&m.Description, what+" description"),
		"path":        p.str(&path, what+" path"),
		"versions":    func(v *yaml.Node) error { versions = v; return nil },
	}
	if what == "app" {
		keys["adapter"] = p.str(&adapter, "app adapter")
	} else {
		keys["apps"] = func(v *yaml.Node) error {
			var err error
			m.Apps, err = p.list(v, "plugin apps")
			return err
		}
	}
	if err := p.mapping(n, "a "+what+" entry", keys); err != nil {
		return m, err
	}
	if err := module.CheckPath(m.Module); err != nil {
		return m, p.errorf(n, "%s module: %v", what, err)
	}
	if strings.ContainsAny(m.Description, "\n\r") {
		return m, p.errorf(n, "%s %s: the description must be one line", what, m.Module)
	}
	if m.Name == "" {
		m.Name = m.Module[strings.LastIndexByte(m.Module, '/')+1:]
	}
	if adapter != "" {
		m.Adapter = p.abs(adapter)
		if _, err := os.Stat(m.Adapter); err != nil {
			return m, p.errorf(n, "app %s: adapter: %v", m.Module, err)
		}
	}
	switch {
	case path != "" && versions != nil:
		return m, p.errorf(n, "%s %s has both path and versions; a module comes from a directory or from versions, not both", what, m.Module)
	case path != "":
		m.Path = p.abs(path)
		m.Allowed = "local directory"
		if _, err := os.Stat(filepath.Join(m.Path, "go.mod")); err != nil {
			return m, p.errorf(n, "%s %s: path %s has no go.mod: %v", what, m.Module, path, err)
		}
		return m, nil
	case versions == nil:
		return m, p.errorf(n, "%s %s needs versions: a list such as [v1.0.0] or a range such as \">= v1.0.0, < v2.0.0\"", what, m.Module)
	}
	return m, p.versions(versions, &m)
}

func (p *catalogParser) versions(n *yaml.Node, m *Module) error {
	if n.Kind == yaml.ScalarNode {
		c, err := ParseConstraint(n.Value)
		if err != nil {
			return p.errorf(n, "versions of %s: %v", m.Module, err)
		}
		m.Constraint, m.Allowed = c, c.String()
		return nil
	}
	list, err := p.list(n, "versions of "+m.Module)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return p.errorf(n, "versions of %s: the list is empty", m.Module)
	}
	for i, v := range list {
		if !semver.IsValid(v) || semver.Canonical(v) != v && !strings.HasSuffix(v, "+incompatible") {
			return p.errorf(n.Content[i], "versions of %s: %q is not a full semantic version such as v1.2.3", m.Module, v)
		}
	}
	semver.Sort(list)
	m.Versions, m.Allowed = list, strings.Join(list, ", ")
	return nil
}

// Allows says whether version v of the module may be built.
func (m *Module) Allows(v string) bool {
	if m.Constraint != nil {
		return m.Constraint.Allows(v)
	}
	return slices.Contains(m.Versions, v)
}
