package spec

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAddWorkingModule(t *testing.T) {
	root := t.TempDir()
	plugin := filepath.Join(root, "plugin")
	sub := filepath.Join(plugin, "cmd", "x")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plugin, "go.mod"), []byte("module example.com/plugin\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := ModuleRoot(sub); !ok || got != plugin {
		t.Errorf("ModuleRoot(%s) = %q, %v; want %s", sub, got, ok, plugin)
	}
	if _, ok := ModuleRoot(root); ok {
		t.Errorf("ModuleRoot(%s) found a module above a directory without one", root)
	}
	tests := []struct {
		name    string
		spec    Spec
		plugins int
	}{
		{"adds the plugin", Spec{Dir: sub, App: App{Source: Source{Module: "example.com/app", Version: "v1.0.0"}}}, 1},
		{"the app itself", Spec{Dir: sub, App: App{Source: Source{Module: "example.com/plugin", Version: "v1.0.0"}}}, 0},
		{"already listed", Spec{Dir: sub, App: App{Source: Source{Module: "example.com/app", Version: "v1.0.0"}},
			Plugins: []Plugin{{Source: Source{Module: "example.com/plugin", Version: "v1.0.0"}}}}, 1},
		{"no module", Spec{Dir: root, App: App{Source: Source{Module: "example.com/app", Version: "v1.0.0"}}}, 0},
	}
	for _, tt := range tests {
		s := tt.spec
		if err := s.AddWorkingModule(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(s.Plugins) != tt.plugins {
			t.Errorf("%s: %d plugins, want %d", tt.name, len(s.Plugins), tt.plugins)
		}
		if tt.name == "adds the plugin" && (s.Plugins[0].Module != "example.com/plugin" || s.Plugins[0].Dir != plugin) {
			t.Errorf("%s: added %+v", tt.name, s.Plugins[0].Source)
		}
	}
}
