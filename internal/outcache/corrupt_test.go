package outcache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Damage to a file of an entry: each is applied to the stored file.
var damages = []struct {
	description string
	apply       func(data []byte) []byte
}{
	{"truncated", func(d []byte) []byte { return d[:len(d)/2] }},
	{"emptied", func(d []byte) []byte { return nil }},
	{"one byte flipped", func(d []byte) []byte {
		d = append([]byte(nil), d...)
		d[len(d)/2] ^= 0x01
		return d
	}},
	{"one byte appended", func(d []byte) []byte { return append(append([]byte(nil), d...), 0) }},
}

func damage(t *testing.T, name string, apply func([]byte) []byte) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, apply(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readBinary reads an output entry the way the builder does: Get, then
// CopyOut of the binary to dst.
func readBinary(s *Store, key, dst string) error {
	e, meta, err := s.Get(key)
	if err != nil {
		return err
	}
	return e.CopyOut(meta.Name, dst, 0o755)
}

// readPackages reads a package entry the way the builder does.
func readPackages(s *Store, key, dstDir string) error {
	e, names, err := s.GetFiles(key)
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := e.CopyOut(n, filepath.Join(dstDir, n), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// TestCorruptEntries damages every file of every kind of entry in every
// way: the read fails with ErrCorrupt, nothing reaches the destination,
// the entry is gone, and a new Put makes it readable again.
func TestCorruptEntries(t *testing.T) {
	binContent := strings.Repeat("\x7fELF binary ", 1000)
	kinds := []struct {
		kind  string
		files []string // the entry's files, relative to the store's parent directory
		put   func(s *Store, key string) error
		read  func(s *Store, key, dst string) error
	}{
		{
			kind:  "output",
			files: []string{"out/KEY/app", "out/KEY/meta.json", "out/KEY/sha256sums"},
			put: func(s *Store, key string) error {
				return s.Put(key, binary(t, binContent), Meta{Name: "app", Target: "linux/amd64"})
			},
			read: func(s *Store, key, dst string) error { return readBinary(s, key, filepath.Join(dst, "app")) },
		},
		{
			kind:  "packages",
			files: []string{"pkg/KEY/a.tar.gz", "pkg/KEY/b.deb", "pkg/KEY/files.json", "pkg/KEY/sha256sums"},
			put: func(s *Store, key string) error {
				dir := t.TempDir()
				a, b := filepath.Join(dir, "a.tar.gz"), filepath.Join(dir, "b.deb")
				os.WriteFile(a, []byte(strings.Repeat("archive ", 100)), 0o644)
				os.WriteFile(b, []byte(strings.Repeat("debian ", 100)), 0o644)
				return s.PutFiles(key, []string{a, b})
			},
			read: readPackages,
		},
		{
			kind:  "composition",
			files: []string{"comp/KEY"},
			put: func(s *Store, key string) error {
				return s.SaveComposition(key, []byte(`{"App":{"Path":"example.com/app"}}`))
			},
			read: func(s *Store, key, dst string) error {
				data, err := s.LoadComposition(key)
				if err == nil {
					err = os.WriteFile(filepath.Join(dst, "comp.json"), data, 0o644)
				}
				return err
			},
		},
		{
			kind:  "verified directory",
			files: []string{"moddirs/KEY"},
			put:   func(s *Store, key string) error { return s.SaveRecord(VerifiedDirs, key, []byte("fingerprint")) },
			read: func(s *Store, key, dst string) error {
				data, err := s.LoadRecord(VerifiedDirs, key)
				if err == nil {
					err = os.WriteFile(filepath.Join(dst, "fp"), data, 0o644)
				}
				return err
			},
		},
	}
	for _, k := range kinds {
		for _, file := range k.files {
			for _, d := range damages {
				t.Run(k.kind+"/"+filepath.Base(file)+"/"+d.description, func(t *testing.T) {
					root := t.TempDir()
					s := &Store{Dir: filepath.Join(root, "out")}
					key := Key(k.kind, file, d.description)
					if err := k.put(s, key); err != nil {
						t.Fatal(err)
					}
					if err := k.read(s, key, t.TempDir()); err != nil {
						t.Fatalf("reading the intact entry: %v", err)
					}
					path := filepath.Join(root, strings.ReplaceAll(file, "KEY", key))
					damage(t, path, d.apply)
					dst := t.TempDir()
					err := k.read(s, key, dst)
					var ce *CorruptError
					if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || ce.Key != key {
						t.Fatalf("reading the damaged entry: %v, want a CorruptError for the key", err)
					}
					if got := names(t, dst); len(got) != 0 && k.kind != "packages" {
						t.Errorf("the damaged entry was copied out: %q", got)
					}
					if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("the damaged entry was not removed: %v", err)
					}
					if err := k.read(s, key, t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("reading again after removal: %v, want a plain miss", err)
					}
					if err := k.put(s, key); err != nil {
						t.Fatalf("storing again: %v", err)
					}
					if err := k.read(s, key, t.TempDir()); err != nil {
						t.Errorf("reading the stored-again entry: %v", err)
					}
				})
			}
		}
	}
}

// TestCorruptPackageCopiesNothingDamaged: of a package entry whose second
// file is damaged, only the intact first file can have been copied out;
// the damaged one never reaches the destination, not even as a temp file.
func TestCorruptPackageCopiesNothingDamaged(t *testing.T) {
	root := t.TempDir()
	s := &Store{Dir: filepath.Join(root, "out")}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tar.gz"), filepath.Join(dir, "b.deb")
	os.WriteFile(a, []byte("archive"), 0o644)
	os.WriteFile(b, []byte("debian package"), 0o644)
	key := Key("p")
	if err := s.PutFiles(key, []string{a, b}); err != nil {
		t.Fatal(err)
	}
	damage(t, filepath.Join(root, "pkg", key, "b.deb"), damages[0].apply)
	dst := t.TempDir()
	if err := readPackages(s, key, dst); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("readPackages = %v, want ErrCorrupt", err)
	}
	if got := names(t, dst); !reflect.DeepEqual(got, []string{"a.tar.gz"}) {
		t.Errorf("destination holds %q, want only the intact a.tar.gz", got)
	}
}

// TestCopyOutKeepsDestination: a damaged binary does not replace the
// file already at the destination.
func TestCopyOutKeepsDestination(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
	key := Key("k")
	if err := s.Put(key, binary(t, "new binary"), Meta{Name: "app"}); err != nil {
		t.Fatal(err)
	}
	damage(t, filepath.Join(s.Dir, key, "app"), damages[2].apply)
	dst := filepath.Join(t.TempDir(), "app")
	if err := os.WriteFile(dst, []byte("previous build"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := readBinary(s, key, dst); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("readBinary = %v, want ErrCorrupt", err)
	}
	if data, _ := os.ReadFile(dst); string(data) != "previous build" {
		t.Errorf("destination = %q, want it untouched", data)
	}
	if got := names(t, filepath.Dir(dst)); !reflect.DeepEqual(got, []string{"app"}) {
		t.Errorf("destination directory holds %q, want no temp files", got)
	}
}

// TestGetMalformedEntry: entries whose structure is wrong, rather than
// their content, are corrupt too, and removed.
func TestGetMalformedEntry(t *testing.T) {
	zeros := strings.Repeat("0", 64)
	tests := []struct {
		description string
		files       map[string]string // in the entry directory
	}{
		{"empty entry directory", map[string]string{}},
		{"no sha256sums", map[string]string{"meta.json": `{"name": "app"}`, "app": "bin"}},
		{"sha256sums malformed", map[string]string{"sha256sums": "not a sum\n", "meta.json": `{"name": "app"}`, "app": "bin"}},
		{"sha256sums empty", map[string]string{"sha256sums": "", "meta.json": `{"name": "app"}`, "app": "bin"}},
		{"sha256sums names a path", map[string]string{"sha256sums": zeros + "  ../app\n", "app": "bin"}},
		{"meta.json not listed", map[string]string{"sha256sums": zeros + "  app\n", "meta.json": `{"name": "app"}`, "app": "bin"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			s := &Store{Dir: t.TempDir()}
			key := Key(tt.description)
			entry := filepath.Join(s.Dir, key)
			if err := os.MkdirAll(entry, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(entry, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			e, meta, err := s.Get(key)
			if !errors.Is(err, ErrCorrupt) || e != nil || !reflect.DeepEqual(meta, Meta{}) {
				t.Errorf("Get = %v, %+v, %v; want a corrupt-entry error", e, meta, err)
			}
			if _, err := os.Stat(entry); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the corrupt entry is still there: %v", err)
			}
		})
	}
}
