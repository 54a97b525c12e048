package modfiles

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func TestListAndCopy(t *testing.T) {
	src := filepath.Join(t.TempDir(), "mod")
	outside := filepath.Join(t.TempDir(), "shared.go")
	write(t, filepath.Join(src, "go.mod"), "module example.com/m\n", 0o644)
	write(t, filepath.Join(src, "a.go"), "package m\n", 0o644)
	write(t, filepath.Join(src, "x'y.go"), "package m\n", 0o644)
	write(t, filepath.Join(src, "tool.sh"), "#!/bin/sh\n", 0o755)
	write(t, filepath.Join(src, "nested", "go.mod"), "module example.com/m/nested\n", 0o644)
	write(t, filepath.Join(src, "nested", "n.go"), "package nested\n", 0o644)
	write(t, filepath.Join(src, ".git", "HEAD"), "ref\n", 0o644)
	write(t, filepath.Join(src, "dist", "app"), "binary\n", 0o755)
	write(t, filepath.Join(src, "weld.lock"), "weld-lock 2\n", 0o644)
	// weld's marked outputs are left out; a file that merely has the
	// marker's name is not enough to hide a directory.
	write(t, filepath.Join(src, "vend", ".weld-output"), "written by weld vendor\ncommand: weld vendor\n", 0o644)
	write(t, filepath.Join(src, "vend", "vendor", "modules.txt"), "# x\n", 0o644)
	write(t, filepath.Join(src, "pkg", ".weld-output"), "not a marker\n", 0o644)
	write(t, filepath.Join(src, "pkg", "p.go"), "package pkg\n", 0o644)
	write(t, outside, "package m\n// shared\n", 0o644)
	if err := os.Symlink(outside, filepath.Join(src, "link.go")); err != nil {
		t.Fatal(err)
	}
	files, err := List(src, filepath.Join(src, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rel := range files {
		names = append(names, rel)
	}
	sort.Strings(names)
	if got, want := strings.Join(names, " "), "a.go go.mod link.go pkg/.weld-output pkg/p.go tool.sh x'y.go"; got != want {
		t.Errorf("List = %s, want %s", got, want)
	}

	dst := filepath.Join(t.TempDir(), "copy")
	if err := Copy(src, dst, filepath.Join(src, "dist")); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(dst, "link.go")); err != nil || string(data) != "package m\n// shared\n" {
		t.Errorf("link.go copied as %q, %v; want the linked file's content", data, err)
	}
	if fi, err := os.Lstat(filepath.Join(dst, "link.go")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("link.go in the copy: %v, %v; want a regular file", fi, err)
	}
	for name, want := range map[string]os.FileMode{"a.go": 0o644, "tool.sh": 0o755} {
		fi, err := os.Stat(filepath.Join(dst, name))
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s copied with mode %v, %v; want %v", name, fi.Mode().Perm(), err, want)
		}
	}
	for _, absent := range []string{"nested", ".git", "dist", "weld.lock"} {
		if _, err := os.Lstat(filepath.Join(dst, absent)); !os.IsNotExist(err) {
			t.Errorf("%s was copied", absent)
		}
	}
}
