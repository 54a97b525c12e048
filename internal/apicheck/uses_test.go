package apicheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

// checkSources runs the matching of Check on sources type-checked in
// memory: the API package example.com/api at oldAPI and newAPI, and a
// plugin package p.go that imports it.
func checkSources(t *testing.T, oldAPI, newAPI, plugin string) []string {
	t.Helper()
	typeCheckSource := func(path, src string, imp types.Importer) (*types.Package, *token.FileSet, *ast.File, *types.Info) {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "p.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
			Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
		pkg, err := (&types.Config{Importer: imp}).Check(path, fset, []*ast.File{f}, info)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return pkg, fset, f, info
	}
	old, _, _, _ := typeCheckSource("example.com/api", "package api\n"+oldAPI, nil)
	newPkg, _, _, _ := typeCheckSource("example.com/api", "package api\n"+newAPI, nil)
	imp := importerFunc(func(path string) (*types.Package, error) {
		if path == "example.com/api" {
			return old, nil
		}
		return nil, fmt.Errorf("no package %s", path)
	})
	_, fset, f, info := typeCheckSource("example.com/p", "package p\nimport \"example.com/api\"\n"+plugin, imp)
	u := &pluginUse{plugin: Plugin{Module: "example.com/p"}, apis: map[string]*apiUse{}}
	a := &apiUse{module: "example.com/api", required: "v1.0.0", old: old, uses: map[string]position{}}
	rel := func(pos token.Pos) position { return position{file: "p.go", line: fset.Position(pos).Line} }
	collectUses(u, []*ast.File{f}, info, rel, func(path string) (*apiUse, bool) {
		if path != "example.com/api" {
			return nil, false
		}
		u.apis[path] = a
		return a, true
	})
	o := Options{Selected: map[string]string{"example.com/api": "v2.0.0"}}
	var got []string
	for _, f := range u.findings(o, map[string]*types.Package{"example.com/api": newPkg}, map[string][]change{}) {
		got = append(got, strings.Replace(f.String(), " between example.com/api v1.0.0 (required by the plugin) and v2.0.0 (selected)", "", 1))
	}
	return got
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func TestUses(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, plugin string
		want                   []string
	}{{
		name:   "a removed field, read through an embedded struct",
		old:    "type Inner struct{ Timeout int }\ntype Config struct{ Inner }",
		new:    "type Inner struct{}\ntype Config struct{ Inner }",
		plugin: "var c api.Config\n\nvar _ = c.Timeout",
		want:   []string{"plugin example.com/p uses api.Inner.Timeout (p.go:5): removed"},
	}, {
		name:   "a keyed field of a composite literal whose type changed",
		old:    "type Config struct{ Name string }",
		new:    "type Config struct{ Name []byte }",
		plugin: "var _ = api.Config{\n\tName: \"x\",\n}",
		want:   []string{"plugin example.com/p uses api.Config.Name (p.go:4): changed from string to []byte"},
	}, {
		name:   "a type that is no longer comparable, used as a map key",
		old:    "type Key struct{ Name string }",
		new:    "type Key struct{ Name []string }",
		plugin: "var m map[api.Key]int",
		want:   []string{"plugin example.com/p uses api.Key (p.go:3): old is comparable, new is not"},
	}, {
		name:   "a field the plugin does not use",
		old:    "type Config struct{ Name, Other string }",
		new:    "type Config struct{ Name string }",
		plugin: "var _ = api.Config{Name: \"x\"}",
	}, {
		name:   "a removed type, first used as a variable's type",
		old:    "type T struct{}\nfunc (T) M() {}",
		new:    "",
		plugin: "var t api.T\n\nfunc init() { t.M() }",
		want:   []string{"plugin example.com/p uses api.T (p.go:3): removed"},
	}, {
		name:   "a pointer method removed",
		old:    "type T struct{}\nfunc (*T) M() {}",
		new:    "type T struct{}",
		plugin: "func f(t *api.T) { t.M() }",
		want:   []string{"plugin example.com/p uses api.T.M (p.go:3): removed"},
	}, {
		name:   "a returned value whose interface gained a method",
		old:    "type Handler interface{ Serve() }",
		new:    "type Handler interface{ Serve(); Close() }",
		plugin: "type h struct{}\n\nfunc (h) Serve() {}\n\nfunc New() api.Handler {\n\treturn h{}\n}",
		want:   []string{"plugin example.com/p passes p.h as api.Handler (p.go:8): method Close added, which p.h does not have"},
	}, {
		name:   "an interface method whose signature changed, implemented with the old one",
		old:    "type Handler interface{ Serve(n int) }\nfunc Use(...Handler) {}",
		new:    "type Handler interface{ Serve(n int64) }\nfunc Use(...Handler) {}",
		plugin: "type h struct{}\n\nfunc (*h) Serve(int) {}\n\nfunc init() { api.Use(nil, &h{}) }",
		want:   []string{"plugin example.com/p passes *p.h as api.Handler (p.go:7): method Serve changed from func(int) to func(int64), and *p.h.Serve is func(int)"},
	}, {
		name:   "an interface the plugin only calls gained a method",
		old:    "type Handler interface{ Serve() }\nfunc Get() Handler { return nil }",
		new:    "type Handler interface{ Serve(); Close() }\nfunc Get() Handler { return nil }",
		plugin: "func init() { api.Get().Serve() }",
	}, {
		name:   "a compatible change to a used function",
		old:    "func F() {}",
		new:    "func F() {}\nfunc G() {}",
		plugin: "func init() { api.F() }",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkSources(t, tc.old, tc.new, tc.plugin)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestLessPos(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"p.go:9", "p.go:10", true},
		{"p.go:10", "p.go:9", false},
		{"a.go:10", "b.go:1", true},
		{"p.go:3", "p.go:3", false},
	} {
		if got := lessPos(tc.a, tc.b); got != tc.want {
			t.Errorf("lessPos(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
