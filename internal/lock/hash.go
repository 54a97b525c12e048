package lock

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/weldgo/weld/internal/modfiles"
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
	files, err := modfiles.List(dir, skip...)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", dir, err)
	}
	prefix := modulePath + "@v0.0.0/"
	names := make([]string, 0, len(files))
	byName := make(map[string]string, len(files))
	for rel, file := range files {
		name := prefix + hashName(rel)
		names = append(names, name)
		byName[name] = file
	}
	return dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		return os.Open(byName[name])
	})
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
