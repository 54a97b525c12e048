package lockpolicy

import (
	"slices"
	"testing"

	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/spec"
)

func TestPin(t *testing.T) {
	manifest := &spec.Spec{
		App: spec.App{Source: spec.Source{Module: "example.com/app", Version: "latest"}},
		Plugins: []spec.Plugin{
			{Source: spec.Source{Module: "example.com/a", Version: "latest"}},
			{Source: spec.Source{Module: "example.com/b", Version: "v1"}},
			{Source: spec.Source{Module: "example.com/new", Version: "latest"}},
		},
	}
	locked := &lock.Lock{
		App: lock.Root{Module: "example.com/app", Version: "v1.4.0", Query: "latest"},
		Plugins: []lock.Root{
			{Module: "example.com/a", Version: "v0.3.0", Query: "latest"},
			// The manifest's query changed since: not pinned.
			{Module: "example.com/b", Version: "v0.9.0", Query: "v0"},
		},
	}
	tests := []struct {
		name   string
		mode   Mode
		update []string
		want   []string // app, a, b, new
	}{
		{"use", Use, nil, []string{"v1.4.0", "v0.3.0", "v1", "latest"}},
		{"update all", Update, nil, []string{"latest", "latest", "v1", "latest"}},
		{"update one", Update, []string{"example.com/a"}, []string{"v1.4.0", "latest", "v1", "latest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pin(manifest, locked, Options{Mode: tt.mode, Update: tt.update})
			versions := []string{got.App.Version}
			for _, p := range got.Plugins {
				versions = append(versions, p.Version)
			}
			if !slices.Equal(versions, tt.want) {
				t.Errorf("pinned versions = %q, want %q", versions, tt.want)
			}
			if manifest.App.Version != "latest" || manifest.Plugins[0].Version != "latest" {
				t.Error("pin changed the manifest it was given")
			}
		})
	}
}

func TestModuleChanges(t *testing.T) {
	old := &lock.Lock{Modules: []lock.Module{{Path: "a", Version: "v1.0.0"}, {Path: "b", Version: "v1.0.0"}, {Path: "gone", Version: "v0.1.0"}}}
	updated := &lock.Lock{Modules: []lock.Module{{Path: "a", Version: "v1.0.0"}, {Path: "b", Version: "v1.2.0"}, {Path: "added", Version: "v2.0.0"}}}
	want := []string{"added (none) → v2.0.0", "b v1.0.0 → v1.2.0", "gone v0.1.0 → (none)"}
	if got := moduleChanges(old, updated); !slices.Equal(got, want) {
		t.Errorf("moduleChanges = %q, want %q", got, want)
	}
}

func TestPinnedSysroots(t *testing.T) {
	sr := lock.Sysroot{Target: "linux/arm64", Request: []string{"libcairo2-dev"}}
	l := &lock.Lock{Sysroots: []lock.Sysroot{sr}}
	for _, tt := range []struct {
		mode Mode
		want bool
	}{{Use, true}, {Frozen, true}, {Relock, true}, {Update, false}} {
		p := &Policy{opts: Options{Mode: tt.mode}, Lock: l}
		if _, ok := p.Pinned("linux/arm64"); ok != tt.want {
			t.Errorf("mode %d: pinned = %v, want %v (weld update moves sysroot packages too)", tt.mode, ok, tt.want)
		}
		if _, ok := p.Pinned("linux/amd64"); ok {
			t.Errorf("mode %d: a target without a pin is pinned", tt.mode)
		}
	}
}
