// Package locktest writes small weld projects for the unit tests of the
// stages and the CLI: a manifest with a local app and, when asked, a
// weld.lock that matches it.
package locktest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/weldgo/weld/internal/lock"
)

// Project writes a manifest (weld.yaml, naming the binary app) with a
// local app in a new directory and, when lockGo is set, a weld.lock for it
// made by that toolchain. It returns the directory and a function that
// changes the app's source, so that the lock no longer matches.
func Project(t testing.TB, lockGo string) (dir string, edit func()) {
	t.Helper()
	dir = t.TempDir()
	files := map[string]string{
		"weld.yaml":   "name: app\napp:\n  module: example.com/app\n  path: ./app\n",
		"app/go.mod":  "module example.com/app\n\ngo 1.22\n",
		"app/main.go": "package main\n\nfunc main() {}\n",
	}
	WriteFiles(t, dir, files)
	if lockGo != "" {
		h, err := lock.HashDir(filepath.Join(dir, "app"), "example.com/app")
		if err != nil {
			t.Fatal(err)
		}
		text := "weld-lock 3\ngo " + lockGo + "\napp example.com/app (local) path=./app\nlocal example.com/app ./app " + h +
			"\nmodule example.com/app v0.0.0-00010101000000-000000000000\n"
		if err := os.WriteFile(filepath.Join(dir, lock.FileName), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit = func() {
		if err := os.WriteFile(filepath.Join(dir, "app", "main.go"), []byte("package main\n\nfunc main() { println() }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, edit
}

// WriteFiles writes files (slash-separated path: content) under dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
