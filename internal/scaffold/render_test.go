package scaffold

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/weldgo/weld/internal/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name string
		plan Plan
	}{
		{"app-with-plugins", Plan{Name: "app", Found: "example.com/app has the main package example.com/app",
			App:     spec.Source{Module: "example.com/app", Version: "v1.1.0"},
			Plugins: []spec.Source{{Module: "example.com/hello", Version: "v1.0.0"}, {Module: "example.com/local", RelDir: "../local"}}}},
		{"caddy-plugin-dev-loop", Plan{Name: "caddy", Adapter: "embedded:caddy", Self: true,
			Found:   "weld wires github.com/caddyserver/caddy/v2 with its embedded adapter caddy",
			App:     spec.Source{Module: "github.com/caddyserver/caddy/v2", Version: "v2.11.9"},
			Plugins: []spec.Source{{Module: "github.com/me/caddy-thing", RelDir: "."}}}},
		{"local-app-cmd", Plan{Name: "myapp", Found: "the module here has the main package example.com/myapp/cmd/myapp",
			App: spec.Source{Module: "example.com/myapp", RelDir: ".", Package: "example.com/myapp/cmd/myapp"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			got, err := tt.plan.Render("weld.yaml", dir)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.name+".yaml")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("Render:\n%s\nwant (%s):\n%s", got, golden, want)
			}
		})
	}
}

func TestYAMLString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"example.com/app", "example.com/app"},
		{"v1.2.0", "v1.2.0"},
		{">=v1.2.0", `">=v1.2.0"`},
		{"latest", "latest"},
		{"yes", `"yes"`},
		{"", `""`},
		{"../my plugin", `"../my plugin"`},
		{"a: b", `"a: b"`},
		{"-x", `"-x"`},
		{"v0.0.0-20240101000000-abcdefabcdef", "v0.0.0-20240101000000-abcdefabcdef"},
	}
	for _, tt := range tests {
		if got := yamlString(tt.in); got != tt.want {
			t.Errorf("yamlString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestMainPackage(t *testing.T) {
	write := func(t *testing.T, dir string, files map[string]string) {
		for name, body := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name    string
		files   map[string]string
		want    string
		wantErr bool
	}{
		{"root", map[string]string{"main.go": "package main"}, "example.com/m", false},
		{"only a test main", map[string]string{"x_test.go": "package main", "lib.go": "package m"}, "", false},
		{"one under cmd", map[string]string{"lib.go": "package m", "cmd/tool/main.go": "package main"}, "example.com/m/cmd/tool", false},
		{"the one named after the module", map[string]string{"cmd/m/main.go": "package main", "cmd/other/main.go": "package main"}, "example.com/m/cmd/m", false},
		{"several", map[string]string{"cmd/a/main.go": "package main", "cmd/b/main.go": "package main"}, "", true},
		{"none", map[string]string{"lib.go": "package m"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.files)
			got, err := mainPackage(dir, "example.com/m", "")
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("mainPackage = %q, %v; want %q (error: %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
