package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// entries lists a directory's names, sorted.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	sort.Strings(out)
	return out
}

func checkFile(t *testing.T, name, content string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != content {
		t.Errorf("%s holds %q, want %q", name, data, content)
	}
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != mode {
		t.Errorf("%s has mode %v, want %v", name, fi.Mode().Perm(), mode)
	}
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		description string
		existing    *string // content already at the destination
		data        string
		mode        os.FileMode
	}{
		{description: "new file 0644", data: "hello\n", mode: 0o644},
		{description: "new executable 0755", data: "#!/bin/sh\n", mode: 0o755},
		{description: "private 0600", data: "secret", mode: 0o600},
		{description: "mode not reduced by umask", data: "x", mode: 0o777},
		{description: "empty file", data: "", mode: 0o644},
		{description: "replaces a longer file", existing: ptr("a much longer old content\n"), data: "new", mode: 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "out.txt")
			if tt.existing != nil {
				if err := os.WriteFile(name, []byte(*tt.existing), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteFile(name, []byte(tt.data), tt.mode); err != nil {
				t.Fatalf("WriteFile: %v", err)
			}
			checkFile(t, name, tt.data, tt.mode)
			if got := entries(t, dir); !reflect.DeepEqual(got, []string{"out.txt"}) {
				t.Errorf("directory holds %q, want only out.txt", got)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestWriteFileCreatesParents(t *testing.T) {
	name := filepath.Join(t.TempDir(), "a", "b", "c.json")
	if err := WriteFile(name, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	checkFile(t, name, "{}", 0o644)
}

func TestWriteFileOntoDirectoryFails(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(name, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(name, []byte("x"), 0o644); err == nil {
		t.Fatal("WriteFile over a non-empty directory succeeded")
	}
	if got := entries(t, dir); !reflect.DeepEqual(got, []string{"sub"}) {
		t.Errorf("directory holds %q after a failed write, want only sub", got)
	}
}

// failingReader returns some data and then an error.
type failingReader struct{ sent bool }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.sent {
		return 0, errors.New("disk on fire")
	}
	r.sent = true
	return copy(p, "partial "), nil
}

func TestWriteFromFailureKeepsOldContent(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFrom(name, &failingReader{}, 0o755)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("WriteFrom error = %v, want the reader's error", err)
	}
	checkFile(t, name, "old", 0o644)
	if got := entries(t, dir); !reflect.DeepEqual(got, []string{"f"}) {
		t.Errorf("directory holds %q after a failed write, want only f", got)
	}
}

func TestCopyFile(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	content := strings.Repeat("binary data ", 10000)
	if err := os.WriteFile(src, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o755, 0o644, 0o600} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			dst := filepath.Join(dir, "dst")
			if err := CopyFile(src, dst, mode); err != nil {
				t.Fatalf("CopyFile: %v", err)
			}
			checkFile(t, dst, content, mode)
			if got := entries(t, dir); !reflect.DeepEqual(got, []string{"dst"}) {
				t.Errorf("directory holds %q, want only dst", got)
			}
		})
	}
	checkFile(t, src, content, 0o600)
}

func TestCopyFileFailures(t *testing.T) {
	tests := []struct {
		description string
		src         func(t *testing.T) string
	}{
		{"missing source", func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing") }},
		// A directory opens but cannot be read, so the copy fails after
		// the temporary file was created; this works also as root, where
		// a chmod 000 file would still be readable.
		{"unreadable source (a directory)", func(t *testing.T) string { return t.TempDir() }},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			dir := t.TempDir()
			dst := filepath.Join(dir, "dst")
			if err := os.WriteFile(dst, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := CopyFile(tt.src(t), dst, 0o755); err == nil {
				t.Fatal("CopyFile succeeded")
			}
			checkFile(t, dst, "old", 0o644)
			if got := entries(t, dir); !reflect.DeepEqual(got, []string{"dst"}) {
				t.Errorf("directory holds %q after a failed copy, want only dst", got)
			}
		})
	}
}
