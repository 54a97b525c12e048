// Package modfiles lists the files of a local module that a build could
// read: the set weld.lock's hash of a local module covers, and the set
// weld copies when it exports a module's sources (weld vendor, weld nix).
// One list for both, so that what is locked is what is shipped.
package modfiles

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/outdir"
)

// LockFile is weld.lock's name; a module's own lock is not part of it.
const LockFile = "weld.lock"

// List returns the files under dir that some build of the module, for any
// target and any build tags, could read, keyed by their slash-separated
// path in the module: not only the module zip's files but also symlinked
// files and directories (by their content), names that a module zip
// rejects, and vendor directories. It leaves out only what no build of
// this module reads and what weld writes itself:
//
//   - nested modules (directories with their own go.mod);
//   - version control metadata (.git, .hg, .svn, .bzr);
//   - weld.lock files, directories a weld command marked as its output
//     (weld vendor, weld nix, weld image --layout; see outdir), and
//     everything under the skip directories inside dir (the build's
//     output directory);
//   - dangling symlinks and files that are not regular (FIFOs, devices).
//
// A directory symlink that leads back to a directory being walked is not
// followed again.
func List(dir string, skip ...string) (map[string]string, error) {
	root, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !root.IsDir() {
		return nil, errors.New("not a directory")
	}
	w := &moduleWalk{skip: inside(dir, skip), files: map[string]string{}}
	if err := w.walk(dir, "", []fs.FileInfo{root}); err != nil {
		return nil, err
	}
	return w.files, nil
}

// Copy copies the files List returns into dst, each with its source's
// executable bit (0755 or 0644), symlinks written as the files they lead
// to.
func Copy(src, dst string, skip ...string) error {
	files, err := List(src, skip...)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for rel, file := range files {
		info, err := os.Stat(file)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if info.Mode().Perm()&0o100 != 0 {
			mode = 0o755
		}
		if err := atomicfile.CopyFile(file, filepath.Join(dst, filepath.FromSlash(rel)), mode); err != nil {
			return err
		}
	}
	return nil
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
		if vcsDirs[name] || name == LockFile {
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
			if isSkipDir(file, w.skip) || isNestedModule(file) || isAncestor(info, ancestors) || outdir.IsOutput(file) {
				continue
			}
			if err := w.walk(file, path.Join(rel, name), append(ancestors, info)); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			if name != outdir.MarkerName && strings.HasPrefix(name, ".") && strings.HasSuffix(name, outdir.MarkerName) {
				continue // the marker of a weld output beside it (--vendor-dir)
			}
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

func under(file string, dirs []string) bool {
	for _, d := range dirs {
		if d != "" && strings.HasPrefix(file, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
