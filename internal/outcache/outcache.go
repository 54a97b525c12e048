// Package outcache keeps built binaries keyed by the content of everything
// that went into them, like a Nix store path: when a build's key is already
// present, the binary is copied out and the go toolchain is not run at all.
//
// Entries are written under a temporary name and renamed into place, so a
// reader only ever sees complete entries, and two concurrent builds of the
// same composition cannot corrupt one another. Each entry records the
// sha256 of its files, and every read checks them: a damaged entry (a
// truncated binary, a flipped byte) is removed and rebuilt, never copied
// out.
package outcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
		return userCacheDir()
	}
	return dir, true
}

// userCacheDir is the user cache directory's weld.
func userCacheDir() (string, bool) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", false
	}
	return filepath.Join(base, "weld"), true
}

// DownloadDir is where weld keeps what it downloads and what it extracts
// from that (Debian packages and sysroots): $WELD_CACHE, or the user cache
// directory's weld, and there also when WELD_CACHE=off, because a sysroot
// is too big to fetch for every build and every file of it is checked
// against its hash on use. Without a user cache directory it is a
// directory under the system's temporary directory.
func DownloadDir() string {
	if dir, ok := Dir(); ok {
		return dir
	}
	if dir, ok := userCacheDir(); ok {
		return dir
	}
	return filepath.Join(os.TempDir(), "weld")
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

// Get returns the entry stored for key and its metadata; copy the binary
// out with entry.CopyOut(meta.Name, ...). A missing entry is
// fs.ErrNotExist; a damaged one is removed and reported as a
// *CorruptError.
func (s *Store) Get(key string) (*Entry, Meta, error) {
	if s == nil {
		return nil, Meta{}, fs.ErrNotExist
	}
	e, err := openEntry(s.Dir, key)
	if err != nil {
		return nil, Meta{}, err
	}
	data, err := e.ReadFile("meta.json")
	if err != nil {
		return nil, Meta{}, err
	}
	var meta Meta
	if err := json.Unmarshal(data, &meta); err != nil || meta.Name == "" {
		return nil, Meta{}, e.corrupt("meta.json unreadable")
	}
	if _, ok := e.sums[meta.Name]; !ok {
		return nil, Meta{}, e.corrupt(meta.Name + " not listed in " + sumsName)
	}
	return e, meta, nil
}

// Remove drops the entry for key, such as one built against C libraries
// that have since changed, so that the next Put can store a fresh one.
func (s *Store) Remove(key string) {
	if s != nil {
		os.RemoveAll(filepath.Join(s.Dir, key))
	}
}

// Put stores a copy of binary under key, replacing any entry there.
func (s *Store) Put(key, binary string, meta Meta) error {
	if s == nil {
		return nil
	}
	return putEntry(s.Dir, key, func(w *entryWriter) error {
		if err := w.copyIn(binary, meta.Name, 0o755); err != nil {
			return err
		}
		data, err := json.MarshalIndent(meta, "", "  ")
		if err != nil {
			return err
		}
		return w.writeFile("meta.json", data)
	})
}

// pkgDir holds packaged outputs (archives, .debs), beside the binaries.
func (s *Store) pkgDir() string { return filepath.Join(filepath.Dir(s.Dir), "pkg") }

// GetFiles returns the entry stored under key by PutFiles and the names
// of its files, in the order they were stored; copy each out with
// entry.CopyOut. Errors are as for Get.
func (s *Store) GetFiles(key string) (*Entry, []string, error) {
	if s == nil {
		return nil, nil, fs.ErrNotExist
	}
	e, err := openEntry(s.pkgDir(), key)
	if err != nil {
		return nil, nil, err
	}
	data, err := e.ReadFile("files.json")
	if err != nil {
		return nil, nil, err
	}
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		return nil, nil, e.corrupt("files.json unreadable")
	}
	for _, n := range names {
		if _, ok := e.sums[n]; !ok {
			return nil, nil, e.corrupt(n + " not listed in " + sumsName)
		}
	}
	return e, names, nil
}

// PutFiles stores copies of files under key, as one complete entry,
// replacing any entry there.
func (s *Store) PutFiles(key string, files []string) error {
	if s == nil {
		return nil
	}
	return putEntry(s.pkgDir(), key, func(w *entryWriter) error {
		var names []string
		for _, f := range files {
			name := filepath.Base(f)
			if name == "files.json" || name == sumsName {
				return fmt.Errorf("cannot cache a file named %s", name)
			}
			if err := w.copyIn(f, name, 0o644); err != nil {
				return err
			}
			names = append(names, name)
		}
		data, err := json.Marshal(names)
		if err != nil {
			return err
		}
		return w.writeFile("files.json", data)
	})
}

// CopyFilesOut copies the files stored under key (PutFiles) to where
// dest says each one goes, every file checked against its recorded
// sha256, and returns their paths in stored order. It stops, with ctx's
// error, if ctx is done between files.
func (s *Store) CopyFilesOut(ctx context.Context, key string, dest func(name string) string) ([]string, error) {
	entry, names, err := s.GetFiles(key)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := dest(name)
		if err := entry.CopyOut(name, p, 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
