package gobuild

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/target"
)

func TestWriteOverlay(t *testing.T) {
	app := t.TempDir()
	scratch := t.TempDir()
	files := map[string][]byte{
		filepath.Join(app, "go.mod"):                       []byte("module example.com/app\n"),
		filepath.Join(app, "go.sum"):                       []byte(""),
		filepath.Join(app, "cmd", "app", "weld_gen.go"):    []byte("package main\n"),
		filepath.Join(app, "sub", "go.mod"):                []byte("module example.com/app/sub\n"), // same base name as go.mod
		filepath.Join(app, "dir with space", "file.go"):    []byte("package x\n"),
		filepath.Join(app, "cmd", "app", "weld_gen_2.go"):  []byte("package main // 2\n"),
		filepath.Join(app, "internal", "x", "x_test.go"):   []byte("package x\n"),
		filepath.Join(app, "internal", "x", "README.json"): []byte(`{"not": "the overlay"}`),
	}
	name, err := writeOverlay(scratch, files)
	if err != nil {
		t.Fatalf("writeOverlay: %v", err)
	}
	if want := filepath.Join(scratch, "overlay", "overlay.json"); name != want {
		t.Errorf("overlay file = %s, want %s", name, want)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	// Decode strictly into the shape go build -overlay reads.
	var overlay struct{ Replace map[string]string }
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&overlay); err != nil {
		t.Fatalf("overlay JSON %s: %v", data, err)
	}
	var keys []string
	for k := range overlay.Replace {
		keys = append(keys, k)
	}
	var wantKeys []string
	for k := range files {
		wantKeys = append(wantKeys, k)
	}
	sort.Strings(keys)
	sort.Strings(wantKeys)
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Fatalf("overlay replaces %q, want %q", keys, wantKeys)
	}
	seen := map[string]string{}
	for orig, repl := range overlay.Replace {
		if !filepath.IsAbs(repl) || filepath.Dir(repl) != filepath.Join(scratch, "overlay") {
			t.Errorf("%s is replaced by %s, want a file in %s/overlay", orig, repl, scratch)
		}
		if prev, dup := seen[repl]; dup {
			t.Errorf("%s and %s share the replacement %s", prev, orig, repl)
		}
		seen[repl] = orig
		got, err := os.ReadFile(repl)
		if err != nil || string(got) != string(files[orig]) {
			t.Errorf("replacement of %s holds %q, %v; want %q", orig, got, err, files[orig])
		}
	}
	// Nothing is written next to the originals.
	if _, err := os.Stat(filepath.Join(app, "go.mod")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("writeOverlay wrote into the app directory: %v", err)
	}
}

func TestWriteOverlayEmpty(t *testing.T) {
	name, err := writeOverlay(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	var overlay struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &overlay); err != nil || len(overlay.Replace) != 0 {
		t.Errorf("empty overlay = %s, %v", data, err)
	}
}

// TestBuildWithOverlay runs go build on a module whose main package exists
// only in the overlay, for the host, and checks the output is complete and
// nothing temporary is left beside it.
func TestBuildWithOverlay(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go is not in PATH: %v", err)
	}
	app := t.TempDir()
	if err := os.WriteFile(filepath.Join(app, "go.mod"), []byte("module example.com/app\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, "lib.go"), []byte("package main\n\nfunc greeting() string { return \"on disk\" }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dist", "app")
	r := &Runner{Go: goCmd, Env: append(os.Environ(), "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0", "GOTOOLCHAIN=local")}
	host := target.Target{OS: runtime.GOOS, Arch: runtime.GOARCH}
	req := Request{
		Dir:     app,
		Package: "example.com/app",
		Files: map[string][]byte{
			filepath.Join(app, "main.go"): []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"overlay\", greeting()) }\n"),
		},
		Overlay:    true,
		ScratchDir: t.TempDir(),
		Target:     host,
		Ldflags:    "-s -w",
		Output:     out + host.ExeSuffix(),
	}
	if err := r.Build(context.Background(), req); err != nil {
		t.Fatalf("Build: %v", err)
	}
	if _, err := os.Stat(filepath.Join(app, "main.go")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an overlay build wrote main.go into the app: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 || entries[0].Name() != filepath.Base(req.Output) {
		t.Errorf("output directory holds %v, want only the binary", entries)
	}
	got, err := exec.Command(req.Output).Output()
	if err != nil || string(got) != "overlay on disk\n" {
		t.Errorf("running the built binary: %q, %v", got, err)
	}

	// A failing build leaves no output and no temporary file.
	req.Files[filepath.Join(app, "main.go")] = []byte("package main\n\nfunc main() { undefined() }\n")
	req.Output = filepath.Join(filepath.Dir(out), "broken")
	err = r.Build(context.Background(), req)
	var gerr *Error
	if !errors.As(err, &gerr) || !strings.Contains(gerr.Stderr, "undefined") {
		t.Fatalf("Build of a broken program: %v, want a *gobuild.Error naming the problem", err)
	}
	entries, _ = os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("a failed build left %v in the output directory", entries)
	}
}

func TestRunnerWithLeavesTheOriginal(t *testing.T) {
	base := &Runner{Go: "go", Env: make([]string, 1, 8)}
	base.Env[0] = "HOME=/h"
	switched := base.With("GOTOOLCHAIN=go1.99.0").(*Runner)
	if got := base.environ("GOTOOLCHAIN"); got != "" {
		t.Errorf("the original runner sees GOTOOLCHAIN=%q", got)
	}
	if got := switched.environ("GOTOOLCHAIN"); got != "go1.99.0" {
		t.Errorf("the new runner sees GOTOOLCHAIN=%q", got)
	}
	// Appending to the original afterwards must not reach the copy, even
	// though the original's slice had room to grow in place.
	base.Env = append(base.Env, "GOTOOLCHAIN=other")
	if got := switched.environ("GOTOOLCHAIN"); got != "go1.99.0" {
		t.Errorf("the new runner sees GOTOOLCHAIN=%q after the original changed", got)
	}
}
