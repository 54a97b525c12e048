package lock

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/mod/sumdb/dirhash"
)

// HashDir returns the h1: content hash of a local module directory
// (dirhash.Hash1 over the files, each named module@v0.0.0/relative/path).
//
// It covers every file that some build of the module, for any target and
// any build tags, could read: not only the module zip's files but also
// symlinked files and directories (by their content, so that editing a
// symlink's target changes the hash), names that a module zip rejects, and
// vendor directories. It leaves out only what no build of this module
// reads and what weld writes itself:
//
//   - nested modules (directories with their own go.mod);
//   - version control metadata (.git, .hg, .svn, .bzr);
//   - weld.lock files, and everything under the skip directories inside
//     dir (weld's outputs), so that building does not change the hash;
//   - dangling symlinks and files that are not regular (FIFOs, devices).
//
// A directory symlink that leads back to a directory being walked is not
// followed again. HashDir runs no go command, so a no-op build needs none.
// Changing which files it covers changes every local module's hash: that
// needs a new lock format version (see FormatVersion).
func HashDir(dir, modulePath string, skip ...string) (string, error) {
	root, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", dir, err)
	}
	if !root.IsDir() {
		return "", fmt.Errorf("hashing %s: not a directory", dir)
	}
	w := &moduleWalk{skip: inside(dir, skip), files: map[string]string{}}
	if err := w.walk(dir, "", []fs.FileInfo{root}); err != nil {
		return "", fmt.Errorf("hashing %s: %w", dir, err)
	}
	prefix := modulePath + "@v0.0.0/"
	names := make([]string, 0, len(w.files))
	byName := make(map[string]string, len(w.files))
	for rel, file := range w.files {
		name := prefix + hashName(rel)
		names = append(names, name)
		byName[name] = file
	}
	return dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		return os.Open(byName[name])
	})
}

// moduleWalk collects the files of a module directory.
type moduleWalk struct {
	skip  []string
	files map[string]string // slash-separated path in the module → file to read
}

// vcsDirs hold version control metadata; a .git may also be a file.
var vcsDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".bzr": true}

// walk adds the files under dir, whose path in the module is rel.
// ancestors are the directories being walked, dir last: a symlink to one
// of them is a loop.
func (w *moduleWalk) walk(dir, rel string, ancestors []fs.FileInfo) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		file := filepath.Join(dir, name)
		if vcsDirs[name] || name == FileName || under(file, w.skip) {
			continue
		}
		info, err := os.Stat(file) // follows symlinks
		if err != nil {
			if e.Type()&fs.ModeSymlink != 0 && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ELOOP)) {
				continue // a dangling symlink: there is nothing to read
			}
			return err
		}
		switch {
		case info.IsDir():
			if isSkipDir(file, w.skip) || isNestedModule(file) || isAncestor(info, ancestors) {
				continue
			}
			if err := w.walk(file, path.Join(rel, name), append(ancestors, info)); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			w.files[path.Join(rel, name)] = file
		}
	}
	return nil
}

// inside returns the skip directories that lie inside dir. One that holds
// dir (weld build -o ..) cannot hold weld's output in the module, and
// skipping it would leave every file of the module out.
func inside(dir string, skip []string) []string {
	dir = filepath.Clean(dir)
	var out []string
	for _, d := range skip {
		if d = filepath.Clean(d); under(d, []string{dir}) {
			out = append(out, d)
		}
	}
	return out
}

func isSkipDir(dir string, skip []string) bool {
	for _, d := range skip {
		if dir == d {
			return true
		}
	}
	return false
}

func isNestedModule(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil && !fi.IsDir()
}

func isAncestor(dir fs.FileInfo, ancestors []fs.FileInfo) bool {
	for _, a := range ancestors {
		if os.SameFile(dir, a) {
			return true
		}
	}
	return false
}

// hashName writes a module path as one line of the hash's input. Hash1
// takes no newline in a name, so a path with a newline or a double quote
// is written quoted; as no unquoted path holds a quote, two different
// paths never give the same name.
func hashName(rel string) string {
	if strings.ContainsAny(rel, "\n\"") {
		return strconv.Quote(rel)
	}
	return rel
}

func under(file string, dirs []string) bool {
	for _, d := range dirs {
		if d != "" && strings.HasPrefix(file, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
