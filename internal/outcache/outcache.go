// Package outcache keeps built binaries keyed by the content of everything
// that went into them, like a Nix store path: when a build's key is already
// present, the binary is copied out and the go toolchain is not run at all.
//
// Entries are written under a temporary name and renamed into place, so a
// reader only ever sees complete entries, and two concurrent builds of the
// same composition cannot corrupt one another: the second rename finds the
// entry present and drops its own copy.
package outcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/weldgo/weld/internal/atomicfile"
)

// Store is a directory of cached outputs.
type Store struct {
	Dir string
}

// Meta is stored beside each binary.
type Meta struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	// PkgConfig lists the pkg-config modules the build used; their current
	// versions and flags are compared with Fingerprint before an entry is
	// reused, because a system library upgrade changes the binary without
	// changing any file weld hashes.
	PkgConfig   []string `json:"pkgConfig,omitempty"`
	Fingerprint string   `json:"fingerprint,omitempty"`
}

// Open returns the store named by $WELD_CACHE, or the user cache
// directory's weld/out. It returns nil when caching is off
// (WELD_CACHE=off) or no cache directory can be found.
func Open() *Store {
	dir, ok := Dir()
	if !ok {
		return nil
	}
	return &Store{Dir: filepath.Join(dir, "out")}
}

// Dir is weld's cache directory: $WELD_CACHE, or the user cache
// directory's weld. ok is false when caching is off (WELD_CACHE=off) or
// there is no user cache directory.
func Dir() (dir string, ok bool) {
	switch dir = os.Getenv("WELD_CACHE"); dir {
	case "off":
		return "", false
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return "", false
		}
		return filepath.Join(base, "weld"), true
	}
	return dir, true
}

// compDir holds resolved compositions, beside the outputs.
func (s *Store) compDir() string { return filepath.Join(filepath.Dir(s.Dir), "comp") }

// LoadComposition returns the stored resolved composition for key.
func (s *Store) LoadComposition(key string) ([]byte, bool) {
	if s == nil {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(s.compDir(), key+".json"))
	return data, err == nil
}

// SaveComposition stores a resolved composition under key, atomically.
func (s *Store) SaveComposition(key string, data []byte) error {
	if s == nil {
		return nil
	}
	return atomicfile.WriteFile(filepath.Join(s.compDir(), key+".json"), data, 0o644)
}

// Key hashes the parts that determine an output. Each part is length-
// prefixed so that no two different lists of parts hash alike.
func Key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Get returns the cached binary for key and its metadata.
func (s *Store) Get(key string) (binary string, meta Meta, ok bool) {
	if s == nil {
		return "", Meta{}, false
	}
	dir := filepath.Join(s.Dir, key)
	data, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil || json.Unmarshal(data, &meta) != nil {
		return "", Meta{}, false
	}
	binary = filepath.Join(dir, meta.Name)
	if _, err := os.Stat(binary); err != nil {
		return "", Meta{}, false
	}
	return binary, meta, true
}

// Remove drops the entry for key, such as one built against C libraries
// that have since changed, so that the next Put can store a fresh one.
func (s *Store) Remove(key string) {
	if s != nil {
		os.RemoveAll(filepath.Join(s.Dir, key))
	}
}

// Put stores a copy of binary under key. An entry already present is
// kept: the same key means the same output.
func (s *Store) Put(key, binary string, meta Meta) error {
	if s == nil {
		return nil
	}
	if _, _, ok := s.Get(key); ok {
		return nil
	}
	return putEntry(s.Dir, key, func(tmp string) error {
		if err := CopyFile(binary, filepath.Join(tmp, meta.Name)); err != nil {
			return err
		}
		data, err := json.MarshalIndent(meta, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, "meta.json"), data, 0o644)
	})
}

// putEntry fills a temporary directory beside parent/key and renames it
// into place, so that readers only ever see complete entries. When another
// build stored the same key first, its entry is kept: same key, same
// content.
func putEntry(parent, key string, fill func(tmp string) error) error {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := fill(tmp); err != nil {
		return err
	}
	err = os.Rename(tmp, filepath.Join(parent, key))
	if errors.Is(err, os.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) {
		return nil
	}
	return err
}

// CopyFile copies src to dst through a temporary file in dst's directory,
// so dst is either absent or complete. The copy is executable.
func CopyFile(src, dst string) error { return atomicfile.CopyFile(src, dst, 0o755) }

// pkgDir holds packaged outputs (archives, .debs), beside the binaries.
func (s *Store) pkgDir() string { return filepath.Join(filepath.Dir(s.Dir), "pkg") }

// GetFiles returns the files stored under key by PutFiles.
func (s *Store) GetFiles(key string) ([]string, bool) {
	if s == nil {
		return nil, false
	}
	dir := filepath.Join(s.pkgDir(), key)
	data, err := os.ReadFile(filepath.Join(dir, "files.json"))
	var names []string
	if err != nil || json.Unmarshal(data, &names) != nil {
		return nil, false
	}
	var paths []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); err != nil {
			return nil, false
		}
		paths = append(paths, p)
	}
	return paths, true
}

// PutFiles stores copies of files under key, as one complete entry.
func (s *Store) PutFiles(key string, files []string) error {
	if s == nil {
		return nil
	}
	return putEntry(s.pkgDir(), key, func(tmp string) error {
		var names []string
		for _, f := range files {
			if err := atomicfile.CopyFile(f, filepath.Join(tmp, filepath.Base(f)), 0o644); err != nil {
				return err
			}
			names = append(names, filepath.Base(f))
		}
		data, err := json.Marshal(names)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, "files.json"), data, 0o644)
	})
}
