package lock

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// moduleFiles is a small module with things the module zip leaves out: VCS
// metadata, a nested module and a vendored package (which HashDir covers).
var moduleFiles = map[string]string{
	"go.mod":                       "module example.com/m\n\ngo 1.22\n",
	"m.go":                         "package m\n",
	"internal/x/x.go":              "package x\n",
	"testdata/data.txt":            "data\n",
	".git/HEAD":                    "ref: refs/heads/main\n",
	".git/objects/ab/cdef":         "object\n",
	"nested/go.mod":                "module example.com/m/nested\n",
	"nested/n.go":                  "package nested\n",
	"vendor/example.com/v/v.go":    "package v\n",
	"vendor/modules.txt":           "# example.com/v v1.0.0\n",
	"docs/empty-dir-sibling/a.txt": "a\n",
}

func newModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, moduleFiles)
	return dir
}

func hashDir(t *testing.T, dir string, skip ...string) string {
	t.Helper()
	h, err := HashDir(dir, "example.com/m", skip...)
	if err != nil {
		t.Fatalf("HashDir: %v", err)
	}
	if !strings.HasPrefix(h, "h1:") {
		t.Fatalf("HashDir = %q, want an h1: hash", h)
	}
	return h
}

// TestHashDirV1MatchesModuleZip: format 1's hash, with nothing skipped, is
// the go.sum hash of the module zip that the go command would make of the
// directory; Upgrade checks format 1 locks with it.
func TestHashDirV1MatchesModuleZip(t *testing.T) {
	dir := newModule(t)
	zipFile := filepath.Join(t.TempDir(), "m.zip")
	f, err := os.Create(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := modzip.CreateFromDir(f, module.Version{Path: "example.com/m", Version: "v0.0.0"}, dir); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	want, err := dirhash.HashZip(zipFile, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := hashDirV1(dir, "example.com/m")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("hashDirV1 = %s, module zip hash = %s", got, want)
	}
}

func TestHashDir(t *testing.T) {
	tests := []struct {
		description string
		files       map[string]string // written after the first hash
		remove      []string          // removed after the first hash
		skip        []string          // skip directories, relative to the module
		changed     bool
	}{
		{description: "nothing changed"},
		{description: "file edited", files: map[string]string{"m.go": "package m // edited\n"}, changed: true},
		{description: "file added", files: map[string]string{"new.go": "package m\n"}, changed: true},
		{description: "file removed", remove: []string{"internal/x/x.go"}, changed: true},
		{description: "testdata edited", files: map[string]string{"testdata/data.txt": "other\n"}, changed: true},
		{description: "go.mod edited", files: map[string]string{"go.mod": "module example.com/m\n\ngo 1.23\n"}, changed: true},
		{description: "file added under .git", files: map[string]string{".git/index": "idx"}},
		{description: "file edited in the nested module", files: map[string]string{"nested/n.go": "package nested // x\n"}},
		{description: "weld.lock written", files: map[string]string{"weld.lock": "weld-lock 1\n"}},
		{description: "weld.lock in a subdirectory", files: map[string]string{"internal/weld.lock": "weld-lock 1\n"}},
		{description: "output under a skip dir", skip: []string{"dist"},
			files: map[string]string{"dist/m_linux_amd64/m": "ELF"}},
		{description: "output under one of several skip dirs", skip: []string{"out", "dist"},
			files: map[string]string{"dist/m": "ELF"}},
		{description: "output outside the skip dir", skip: []string{"dist"},
			files: map[string]string{"distx/m": "ELF"}, changed: true},
		{description: "a file named like the skip dir", skip: []string{"dist"},
			files: map[string]string{"dist": "not a dir"}, changed: true},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			dir := newModule(t)
			var skip []string
			for _, s := range tt.skip {
				skip = append(skip, filepath.Join(dir, s))
			}
			before := hashDir(t, dir, skip...)
			writeFiles(t, dir, tt.files)
			for _, name := range tt.remove {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
					t.Fatal(err)
				}
			}
			after := hashDir(t, dir, skip...)
			if changed := before != after; changed != tt.changed {
				t.Errorf("hash changed = %v, want %v (before %s, after %s)", changed, tt.changed, before, after)
			}
		})
	}
}

// TestHashDirSkipHoldingTheModule: a skip directory that holds the module
// (weld build -o ..) leaves nothing out, or every edit would go unseen.
func TestHashDirSkipHoldingTheModule(t *testing.T) {
	dir := newModule(t)
	for _, skip := range []string{dir, filepath.Dir(dir)} {
		before := hashDir(t, dir, skip)
		writeFiles(t, dir, map[string]string{"m.go": "package m // edited " + skip + "\n"})
		if after := hashDir(t, dir, skip); after == before {
			t.Errorf("with skip directory %s, an edit did not change the hash", skip)
		}
	}
}

func TestHashDirDependsOnModulePath(t *testing.T) {
	dir := newModule(t)
	a := hashDir(t, dir)
	b, err := HashDir(dir, "example.com/other")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("HashDir gives the same hash for two module paths: %s", a)
	}
}

func TestHashDirMissing(t *testing.T) {
	if h, err := HashDir(filepath.Join(t.TempDir(), "nope"), "example.com/m"); err == nil {
		t.Errorf("HashDir of a missing directory = %q, want an error", h)
	}
}
