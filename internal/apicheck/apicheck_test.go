package apicheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/testproxy"
)

// composed is a module that selects example.com/api v1.1.0 (through the
// app) together with plugins written against v1.0.0, as a composition's
// scratch module does, served by the test GOPROXY.
type composed struct {
	dir      string
	goCmd    gobuild.GoCommand
	selected map[string]string
	dirs     map[string]string
}

func newComposed(t *testing.T, plugins ...string) *composed {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("go is required under CI: %v", err)
		}
		t.Skipf("skipping: go is not installed (%v)", err)
	}
	tmp := t.TempDir()
	proxy := filepath.Join(tmp, "proxy")
	if err := testproxy.Build(filepath.Join("..", "..", "testdata", "mod"), proxy); err != nil {
		t.Fatal(err)
	}
	goCache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOPROXY="+testproxy.URL(proxy), "GOSUMDB=off", "GOFLAGS=-modcacherw",
		"GOTOOLCHAIN=local", "GOMODCACHE="+filepath.Join(tmp, "modcache"), "GOCACHE="+strings.TrimSpace(string(goCache)))
	c := &composed{dir: filepath.Join(tmp, "composed"), goCmd: &gobuild.Runner{Env: env}}
	mod := "module weld.local/test\n\ngo 1.22\n\nrequire example.com/apiapp v1.0.0\n"
	for _, p := range plugins {
		mod += "require " + p + " v1.0.0\n"
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := c.goCmd.Run(context.Background(), gobuild.Call{Dir: c.dir, Args: append([]string{"mod", "download", "-json"}, plugins...)})
	if err != nil {
		t.Fatal(err)
	}
	c.dirs = map[string]string{}
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var m struct{ Path, Dir string }
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		c.dirs[m.Path] = m.Dir
	}
	out, err = c.goCmd.Run(context.Background(), gobuild.Call{Dir: c.dir, Args: []string{"list", "-mod=mod", "-m", "-f", "{{.Path}} {{.Version}}", "all"}})
	if err != nil {
		t.Fatal(err)
	}
	c.selected = map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, version, ok := strings.Cut(line, " "); ok && version != "" {
			c.selected[path] = version
		}
	}
	return c
}

func (c *composed) check(t *testing.T, ownBuildLists bool, compared func(pkg, old, new string), plugins ...string) []string {
	t.Helper()
	o := Options{Go: c.goCmd, Composed: c.dir, ScratchDir: t.TempDir(), Selected: c.selected, Compared: compared, ownBuildLists: ownBuildLists}
	for _, p := range plugins {
		o.Plugins = append(o.Plugins, Plugin{Module: p, Version: c.selected[p], Dir: c.dirs[p], Packages: []string{p}})
	}
	findings, err := Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.String())
	}
	return got
}

func TestCheck(t *testing.T) {
	const between = " between example.com/api v1.0.0 (required by the plugin) and v1.1.0 (selected)"
	plugins := []string{"example.com/sigplug", "example.com/goneplug", "example.com/shapeplug", "example.com/quietplug"}
	c := newComposed(t, plugins...)
	for _, tc := range []struct {
		plugin string
		want   []string
	}{
		{"example.com/sigplug", []string{
			"plugin example.com/sigplug uses api.Canvas.Draw (p.go:7): signature changed" + between + ": func(string) → func(string, int)",
		}},
		{"example.com/goneplug", []string{
			"plugin example.com/goneplug uses api.Legacy (p.go:10): removed" + between,
		}},
		{"example.com/shapeplug", []string{
			"plugin example.com/shapeplug passes shapeplug.square as api.Shape (p.go:10): method Area added" + between + ", which shapeplug.square does not have",
		}},
		// Its type already has Area, and what it calls did not change;
		// the unexported label and the added NewCanvas are not reported.
		{"example.com/quietplug", nil},
	} {
		// Grouped with the plugins that require the same versions, and
		// alone with its own build list (when its group does not load).
		for _, own := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/ownBuildList=%v", tc.plugin, own), func(t *testing.T) {
				compared := 0
				got := c.check(t, own, func(string, string, string) { compared++ }, tc.plugin)
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
				// Silence must come from the comparison, not from its absence.
				if compared != 1 {
					t.Errorf("compared %d API packages, want 1", compared)
				}
			})
		}
	}
}

// countingGo counts the go commands run.
type countingGo struct {
	gobuild.GoCommand
	runs int
}

func (c *countingGo) Run(ctx context.Context, call gobuild.Call) ([]byte, error) {
	c.runs++
	return c.GoCommand.Run(ctx, call)
}

// Plugins that require the same versions are loaded by one go command,
// and every plugin gets its own findings, in the plugins' order.
func TestCheckGroups(t *testing.T) {
	plugins := []string{"example.com/shapeplug", "example.com/quietplug", "example.com/sigplug", "example.com/goneplug"}
	c := newComposed(t, plugins...)
	counter := &countingGo{GoCommand: c.goCmd}
	c.goCmd = counter
	got := c.check(t, false, nil, plugins...)
	want := []string{
		"plugin example.com/shapeplug passes shapeplug.square as api.Shape (p.go:10)",
		"plugin example.com/sigplug uses api.Canvas.Draw (p.go:7)",
		"plugin example.com/goneplug uses api.Legacy (p.go:10)",
	}
	if len(got) != len(want) {
		t.Fatalf("findings:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]+": ") {
			t.Errorf("finding %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
	// One listing of the group, one of the selected versions.
	if counter.runs != 2 {
		t.Errorf("ran %d go commands for 4 plugins, want 2", counter.runs)
	}
}

// The selected versions are listed with Options.ModFile when it is set
// (the composed go.mod that go build reads through -overlay), not with
// the go.mod on disk, which here selects example.com/api v1.0.0.
func TestCheckReadsTheComposedModFile(t *testing.T) {
	c := newComposed(t, "example.com/sigplug")
	scratch := t.TempDir()
	modFile := filepath.Join(scratch, "composed.mod")
	for _, f := range [][2]string{{"go.mod", "composed.mod"}, {"go.sum", "composed.sum"}} {
		data, err := os.ReadFile(filepath.Join(c.dir, f[0]))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(scratch, f[1]), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	onDisk := "module weld.local/test\n\ngo 1.22\n\nrequire example.com/apiapp v0.9.0\nrequire example.com/sigplug v1.0.0\n"
	if err := os.WriteFile(filepath.Join(c.dir, "go.mod"), []byte(onDisk), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		modFile string
		want    int
	}{{modFile, 1}, {"", 0}} {
		o := Options{Go: c.goCmd, Composed: c.dir, ModFile: tc.modFile, ScratchDir: t.TempDir(), Selected: c.selected,
			Plugins: []Plugin{{Module: "example.com/sigplug", Version: "v1.0.0", Dir: c.dirs["example.com/sigplug"], Packages: []string{"example.com/sigplug"}}}}
		findings, err := Check(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if len(findings) != tc.want {
			t.Errorf("ModFile %q: findings %v, want %d", tc.modFile, findings, tc.want)
		}
	}
}
