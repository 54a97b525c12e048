package spec

import (
	"strings"
	"testing"
)

func TestParseAdapter(t *testing.T) {
	const otel = `weld-adapter: 1
app: go.opentelemetry.io/collector/otelcol
main:
  imports:
    otelcol: go.opentelemetry.io/collector/otelcol
  template: |
    func main() { otelcol.NewCommand(settings()).Execute() }
wiring: factories
factories:
  function: NewFactory
  kinds:
    receiver: go.opentelemetry.io/collector/receiver.Factory
    exporter: go.opentelemetry.io/collector/exporter.Factory
defaults:
  - name: env
    module: go.opentelemetry.io/collector/confmap/provider/envprovider
    version: v1.48.0
    package: go.opentelemetry.io/collector/confmap/provider/envprovider
    kind: receiver
build:
  tags: a,b
  ldflags: -s -w
  stamp:
    example.com/app/version.Version: "{{.App.Version}}"
`
	a, err := ParseAdapter("otel.yaml", []byte(otel))
	if err != nil {
		t.Fatal(err)
	}
	if a.Wiring != WireFactories || a.Factories.Function != "NewFactory" || strings.Join(a.KindNames(), ",") != "receiver,exporter" {
		t.Errorf("factories: %+v", a.Factories)
	}
	if a.Main == nil || len(a.Main.Imports) != 1 || a.Main.Imports[0].Name != "otelcol" || a.Main.TemplatePos.Line != 6 {
		t.Errorf("main: %+v", a.Main)
	}
	if len(a.Defaults) != 1 || a.Defaults[0].Version != "v1.48.0" || a.Defaults[0].Pos.Line != 15 {
		t.Errorf("defaults: %+v", a.Defaults)
	}
	if strings.Join(a.Build.Tags, ",") != "a,b" || a.Build.Ldflags != "-s -w" || a.Build.Stamp[0].Var != "example.com/app/version.Version" {
		t.Errorf("build: %+v", a.Build)
	}

	tests := []struct{ name, doc, want string }{
		{"no format", "app: x\n", "a.yaml:1:1: not a weld adapter: the file must start with weld-adapter: 1"},
		{"newer format", "weld-adapter: 2\napp: x\n", "a.yaml:1:15: weld-adapter: 2 is not a format this weld reads (it reads 1); update weld"},
		{"no app", "weld-adapter: 1\n", "a.yaml:1:1: the adapter names no app"},
		{"unknown key", "weld-adapter: 1\napp: x\nwire: import\n", `a.yaml:3:1: unknown key "wire" in the adapter`},
		{"unknown wiring", "weld-adapter: 1\napp: x\nwiring: plugins\n", `a.yaml:3:9: wiring: "plugins" is not one of import, factories, ordered`},
		{"factories without kinds", "weld-adapter: 1\napp: x\nwiring: factories\n", "a.yaml:3:9: wiring: factories needs factories:"},
		{"bad kind type", "weld-adapter: 1\napp: x\nwiring: factories\nfactories:\n  function: NewFactory\n  kinds:\n    receiver: Factory\n", `a.yaml:7:5: factories.kinds.receiver: "Factory" must be a type as import/path.Name`},
		{"default without name", "weld-adapter: 1\napp: x\ndefaults:\n  - package: x/std\n", "a.yaml:4:5: a default plugin needs name:"},
		{"default twice", "weld-adapter: 1\napp: x\ndefaults:\n  - {name: s, package: x/s}\n  - {name: s, package: x/t}\n", "a.yaml:5:5: default plugin s is listed twice (first at line 4)"},
		{"module without version", "weld-adapter: 1\napp: x\ndefaults:\n  - {name: s, package: y/s, module: y}\n", "a.yaml:4:5: default plugin s: module: and version: go together"},
		{"import named weld", "weld-adapter: 1\napp: x\nmain:\n  imports:\n    weldx: x/y\n  template: func main() {}\n", `a.yaml:5:5: main.imports: "weldx" must be a Go identifier not starting with weld`},
		{"stamp not a variable", "weld-adapter: 1\napp: x\nbuild:\n  stamp:\n    Version: v\n", `a.yaml:5:5: build.stamp: "Version" must be a variable as import/path.name`},
		{"empty main", "weld-adapter: 1\napp: x\nmain:\n  imports: {}\n", "a.yaml:1:1: main: needs template:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAdapter("a.yaml", []byte(tt.doc))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want one starting %q", err, tt.want)
			}
		})
	}
}
