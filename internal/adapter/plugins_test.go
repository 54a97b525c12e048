package adapter

import (
	"slices"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/spec"
)

func TestOrder(t *testing.T) {
	defaults := []string{"log", "errors", "cache", "whoami", "forward"}
	at := func(line int) spec.Pos { return spec.Pos{File: "weld.yaml", Line: line, Col: 5} }
	p := func(name, before, after string, line int) Positioned {
		return Positioned{Name: name, Before: before, After: after, What: "plugin example.com/" + name, Pos: at(line)}
	}
	tests := []struct {
		name    string
		plugins []Positioned
		want    []string
		wantErr string
	}{
		{"none", nil, defaults, ""},
		{"before a default", []Positioned{p("hello", "whoami", "", 5)}, []string{"log", "errors", "cache", "hello", "whoami", "forward"}, ""},
		{"after a default", []Positioned{p("hello", "", "log", 5)}, []string{"log", "hello", "errors", "cache", "whoami", "forward"}, ""},
		{"at the end", []Positioned{p("hello", "", "", 5)}, append(slices.Clone(defaults), "hello"), ""},
		{"same anchor keeps manifest order (before)", []Positioned{p("a", "whoami", "", 5), p("b", "whoami", "", 7)},
			[]string{"log", "errors", "cache", "a", "b", "whoami", "forward"}, ""},
		{"same anchor keeps manifest order (after)", []Positioned{p("a", "", "log", 5), p("b", "", "log", 7)},
			[]string{"log", "a", "b", "errors", "cache", "whoami", "forward"}, ""},
		{"anchored on a later plugin", []Positioned{p("b", "", "a", 5), p("a", "cache", "", 7)},
			[]string{"log", "errors", "a", "b", "cache", "whoami", "forward"}, ""},
		{"unknown anchor", []Positioned{p("hello", "whoamii", "", 5)}, nil,
			"weld.yaml:5:5: plugin example.com/hello: before: whoamii is not in the app's order (it has: log, errors, cache, whoami, forward)"},
		{"cycle", []Positioned{p("a", "b", "", 5), p("b", "", "a", 7)}, nil,
			"weld.yaml:5:5: plugin example.com/a: the before:/after: positions form a cycle: a → b → a"},
		{"name of a default", []Positioned{p("cache", "", "", 5)}, nil, "weld.yaml:5:5: plugin example.com/cache: name cache is a default plugin of the app"},
		{"name twice", []Positioned{p("a", "", "", 5), p("a", "", "", 7)}, nil, "weld.yaml:7:5: plugin example.com/a: name a is also the name of plugin example.com/a (weld.yaml:5:5)"},
		{"no name", []Positioned{p("", "", "", 5)}, nil, "weld.yaml:5:5: plugin example.com/: the app's adapter wires plugins by name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Order(defaults, tt.plugins)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("Order error = %v, want one starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("Order = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestKeptDefaults(t *testing.T) {
	f := &Found{Adapter: &spec.Adapter{File: "a.yaml", Defaults: []spec.AdapterPlugin{{Name: "env"}, {Name: "file"}, {Name: "http"}}}}
	names := func(ds []spec.AdapterPlugin) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Name)
		}
		return out
	}
	for _, tt := range []struct {
		keep []string
		want []string
	}{{nil, []string{"env", "file", "http"}}, {[]string{}, nil}, {[]string{"http", "env"}, []string{"env", "http"}}} {
		got, err := f.KeptDefaults(spec.App{Defaults: tt.keep})
		if err != nil || !slices.Equal(names(got), tt.want) {
			t.Errorf("keep %q: %q, %v; want %q", tt.keep, names(got), err, tt.want)
		}
	}
	_, err := f.KeptDefaults(spec.App{Source: spec.Source{Module: "example.com/app"}, Defaults: []string{"yaml"},
		DefaultsPos: spec.Pos{File: "weld.yaml", Line: 4, Col: 13}})
	if err == nil || err.Error() != "weld.yaml:4:13: app.defaults: yaml is not a default plugin of example.com/app (its adapter, a.yaml, has: env, file, http)" {
		t.Errorf("unknown default: %v", err)
	}
}

func TestEmbeddedAdaptersParse(t *testing.T) {
	names := EmbeddedNames()
	if len(names) == 0 {
		t.Fatal("no embedded adapters")
	}
	for _, n := range names {
		data, err := embedded.ReadFile("embedded/" + n + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		a, err := spec.ParseAdapter(n+".yaml", data)
		if err != nil {
			t.Errorf("embedded adapter %s: %v", n, err)
			continue
		}
		if got, _, ok := Embedded(a.App); !ok || got != n {
			t.Errorf("Embedded(%s) = %s, %v; want %s", a.App, got, ok, n)
		}
	}
}
