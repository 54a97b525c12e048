package spec

import (
	"fmt"
	"go/token"
	"io"
	"regexp"
	"strings"
	"text/template"

	yaml "go.yaml.in/yaml/v4"
)

// AdapterFormat is the version of the adapter file format this weld reads,
// in the key weld-adapter.
const AdapterFormat = 1

// Wiring styles: how an adapter's app takes its plugins.
const (
	// WireImport blank-imports each plugin, whose init registers it.
	WireImport = "import"
	// WireFactories calls a factory function of each plugin and collects
	// the results into one typed list per kind.
	WireFactories = "factories"
	// WireOrdered puts each plugin by name into one ordered list, with
	// before/after positions against the app's default order.
	WireOrdered = "ordered"
)

// Adapter tells weld how an app is wired: the main it generates, how each
// plugin is wired, the app's default plugins, and build settings. It is
// read from a weld.adapter.yaml file (docs/adapters.md).
type Adapter struct {
	// File names where the adapter was read, in positions and messages.
	File string
	// App is the module path of the app the adapter is for.
	App string
	// Main is the generated main; nil keeps the app's main package (or
	// the manifest's entry).
	Main *AdapterMain
	// Wiring is WireImport, WireFactories or WireOrdered.
	Wiring    string
	WiringPos Pos
	Factories *AdapterFactories
	// Defaults are the app's default plugins; with ordered wiring their
	// order is the app's default order.
	Defaults []AdapterPlugin
	Build    AdapterBuild
	Pos      Pos
}

// AdapterMain is a generated main package: its named imports and a
// text/template of its declarations.
type AdapterMain struct {
	// Imports are "name path" pairs, in file order.
	Imports  []AdapterImport
	Template string
	// TemplatePos is where the template text starts.
	TemplatePos Pos
}

// AdapterImport is one named import of the generated main.
type AdapterImport struct {
	Name, Path string
	Pos        Pos
}

// AdapterFactories says how a factory-wired plugin is called and which
// kinds of factories there are.
type AdapterFactories struct {
	// Function is the exported function each plugin package provides.
	Function string
	// Expression is a template of the Go expression that makes a plugin's
	// factory; {{.Alias}}.Function() by default.
	Expression string
	// Kinds map a kind name to the type Function returns for it, as
	// "import/path.Type", in file order.
	Kinds []AdapterKind
	Pos   Pos
}

// AdapterKind is one kind of factory.
type AdapterKind struct {
	Name, Type string
	Pos        Pos
}

// AdapterPlugin is a default plugin of the app.
type AdapterPlugin struct {
	Name    string
	Package string
	// Module and Version are set for a package outside the app's module.
	Module, Version string
	Kind            string
	Pos             Pos
}

// AdapterBuild are the build settings an adapter recommends: they come
// before the manifest's own.
type AdapterBuild struct {
	Tags    []string
	Ldflags string
	// Stamp are -X settings: "importpath.name" and a template of the value.
	Stamp []AdapterStamp
}

// AdapterStamp is one -X setting.
type AdapterStamp struct {
	Var, Value string
	Pos        Pos
}

var (
	factoryKind   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	qualifiedType = regexp.MustCompile(`^[^\s"]+\.[A-Za-z_][A-Za-z0-9_]*$`)
)

// ParseAdapter decodes and checks an adapter file. file names it in error
// positions.
func ParseAdapter(file string, data []byte) (*Adapter, error) {
	if err := checkText(file, data); err != nil {
		return nil, err
	}
	r := nodeReader{file: file}
	root, err := r.parseDocument(data)
	if err != nil {
		return nil, err
	}
	a := &Adapter{File: file, Wiring: WireImport, Pos: r.pos(root)}
	var format string
	var formatPos Pos
	err = r.fields(root, "the adapter", map[string]func(*yaml.Node) error{
		"weld-adapter": r.strAt(&format, &formatPos, "weld-adapter"),
		"app":          r.str(&a.App, "app"),
		"main": func(n *yaml.Node) error {
			a.Main = &AdapterMain{}
			return r.fields(n, "main", map[string]func(*yaml.Node) error{
				"imports":  r.adapterImports(&a.Main.Imports),
				"template": r.strAt(&a.Main.Template, &a.Main.TemplatePos, "main.template"),
			})
		},
		"wiring": r.strAt(&a.Wiring, &a.WiringPos, "wiring"),
		"factories": func(n *yaml.Node) error {
			a.Factories = &AdapterFactories{Pos: r.pos(resolve(n))}
			return r.fields(n, "factories", map[string]func(*yaml.Node) error{
				"function":   r.str(&a.Factories.Function, "factories.function"),
				"expression": r.str(&a.Factories.Expression, "factories.expression"),
				"kinds":      r.adapterKinds(&a.Factories.Kinds),
			})
		},
		"defaults": r.seq("defaults", func(n *yaml.Node) error {
			d := AdapterPlugin{Pos: r.pos(resolve(n))}
			err := r.fields(n, "a default plugin", map[string]func(*yaml.Node) error{
				"name":    r.str(&d.Name, "defaults.name"),
				"package": r.str(&d.Package, "defaults.package"),
				"module":  r.str(&d.Module, "defaults.module"),
				"version": r.str(&d.Version, "defaults.version"),
				"kind":    r.str(&d.Kind, "defaults.kind"),
			})
			a.Defaults = append(a.Defaults, d)
			return err
		}),
		"build": func(n *yaml.Node) error {
			return r.fields(n, "build", map[string]func(*yaml.Node) error{
				"tags":    r.strList(&a.Build.Tags, "build.tags"),
				"ldflags": r.str(&a.Build.Ldflags, "build.ldflags"),
				"stamp":   r.adapterStamps(&a.Build.Stamp),
			})
		},
	})
	if err != nil {
		return nil, err
	}
	if format != fmt.Sprint(AdapterFormat) {
		if format == "" {
			return nil, errorf(a.Pos, "not a weld adapter: the file must start with weld-adapter: %d", AdapterFormat)
		}
		return nil, errorf(formatPos, "weld-adapter: %s is not a format this weld reads (it reads %d); update weld", format, AdapterFormat)
	}
	return a, a.check()
}

// check validates what the keys alone cannot.
func (a *Adapter) check() error {
	if a.App == "" {
		return errorf(a.Pos, "the adapter names no app: set app: to the module path of the app it wires")
	}
	switch a.Wiring {
	case WireImport, WireOrdered:
		if a.Factories != nil {
			return errorf(a.Factories.Pos, "factories: is for wiring: %s, and this adapter's wiring is %s", WireFactories, a.Wiring)
		}
	case WireFactories:
		if a.Factories == nil || a.Factories.Function == "" || len(a.Factories.Kinds) == 0 {
			return errorf(a.WiringPos, "wiring: factories needs factories: with function: (such as NewFactory) and kinds: (kind: import/path.Type)")
		}
		if !token.IsIdentifier(a.Factories.Function) || !token.IsExported(a.Factories.Function) {
			return errorf(a.Factories.Pos, "factories.function %q must be an exported Go function name", a.Factories.Function)
		}
		if e := a.Factories.Expression; e != "" {
			t, err := template.New("expression").Parse(e)
			if err == nil {
				err = t.Execute(io.Discard, map[string]string{"Alias": "p", "Function": a.Factories.Function})
			}
			if err != nil || !strings.Contains(e, "{{.Alias}}") {
				return errorf(a.Factories.Pos, "factories.expression %q must be a template of a Go expression that uses {{.Alias}} (the plugin's package): %v", e, err)
			}
		}
	default:
		return errorf(a.WiringPos, "wiring: %q is not one of %s, %s, %s", a.Wiring, WireImport, WireFactories, WireOrdered)
	}
	if a.Main == nil && a.Wiring != WireImport {
		return errorf(a.WiringPos, "wiring: %s needs main: with a template that uses the plugins (.Plugins, .Kind, .Order)", a.Wiring)
	}
	if a.Main != nil && strings.TrimSpace(a.Main.Template) == "" {
		return errorf(a.Pos, "main: needs template: with the generated main's declarations, including func main()")
	}
	names := map[string]Pos{}
	for _, d := range a.Defaults {
		switch {
		case d.Name == "":
			return errorf(d.Pos, "a default plugin needs name:, by which a manifest keeps or leaves it out")
		case d.Package == "" && a.Wiring != WireOrdered:
			return errorf(d.Pos, "default plugin %s needs package: (the import path that wires it)", d.Name)
		case (d.Module == "") != (d.Version == ""):
			return errorf(d.Pos, "default plugin %s: module: and version: go together (for a package outside the app's module)", d.Name)
		case a.Wiring == WireFactories && d.Kind == "":
			return errorf(d.Pos, "default plugin %s needs kind: (one of %s)", d.Name, strings.Join(a.KindNames(), ", "))
		case d.Kind != "" && a.Wiring == WireFactories && !a.hasKind(d.Kind):
			return errorf(d.Pos, "default plugin %s: kind %q is not one of %s", d.Name, d.Kind, strings.Join(a.KindNames(), ", "))
		}
		if prev, dup := names[d.Name]; dup {
			return errorf(d.Pos, "default plugin %s is listed twice (first at line %d)", d.Name, prev.Line)
		}
		names[d.Name] = d.Pos
	}
	return nil
}

// KindNames lists the adapter's factory kinds, in file order.
func (a *Adapter) KindNames() []string {
	if a.Factories == nil {
		return nil
	}
	var out []string
	for _, k := range a.Factories.Kinds {
		out = append(out, k.Name)
	}
	return out
}

func (a *Adapter) hasKind(name string) bool {
	for _, k := range a.KindNames() {
		if k == name {
			return true
		}
	}
	return false
}

// pairs walks a mapping of scalar keys to scalar values, in file order.
func (r nodeReader) pairs(n *yaml.Node, what string, each func(k, v string, pos Pos) error) error {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return errorf(r.pos(n), "%s must be a mapping, not %s", what, kindName(n))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		var k, v string
		if err := r.str(&k, what+" keys")(n.Content[i]); err != nil {
			return err
		}
		if err := r.str(&v, what+"."+k)(n.Content[i+1]); err != nil {
			return err
		}
		pos := r.pos(resolve(n.Content[i]))
		if line, dup := seen[k]; dup {
			return errorf(pos, "%s: %s repeated (first at line %d)", what, k, line)
		}
		seen[k] = pos.Line
		if err := each(k, v, pos); err != nil {
			return err
		}
	}
	return nil
}

func (r nodeReader) adapterImports(dst *[]AdapterImport) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		return r.pairs(n, "main.imports", func(name, path string, pos Pos) error {
			if !token.IsIdentifier(name) || strings.HasPrefix(name, "weld") {
				return errorf(pos, "main.imports: %q must be a Go identifier not starting with weld (weld's own names start so)", name)
			}
			*dst = append(*dst, AdapterImport{Name: name, Path: path, Pos: pos})
			return nil
		})
	}
}

func (r nodeReader) adapterKinds(dst *[]AdapterKind) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		return r.pairs(n, "factories.kinds", func(name, typ string, pos Pos) error {
			switch {
			case !factoryKind.MatchString(name):
				return errorf(pos, "factories.kinds: kind %q must be a lower-case word", name)
			case !qualifiedType.MatchString(typ):
				return errorf(pos, "factories.kinds.%s: %q must be a type as import/path.Name, such as go.opentelemetry.io/collector/receiver.Factory", name, typ)
			}
			*dst = append(*dst, AdapterKind{Name: name, Type: typ, Pos: pos})
			return nil
		})
	}
}

func (r nodeReader) adapterStamps(dst *[]AdapterStamp) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		return r.pairs(n, "build.stamp", func(v, value string, pos Pos) error {
			if !qualifiedType.MatchString(v) {
				return errorf(pos, "build.stamp: %q must be a variable as import/path.name, as go build -X takes it", v)
			}
			*dst = append(*dst, AdapterStamp{Var: v, Value: value, Pos: pos})
			return nil
		})
	}
}
