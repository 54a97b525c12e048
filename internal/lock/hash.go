package lock

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// HashDir returns the h1: content hash of a local module directory. The
// files hashed are those the module zip rules keep (no VCS directories, no
// nested modules), so the hash means what a go.sum hash means for a
// published module. Files under any of the skip directories (weld's own
// output, for example) are left out, so that building does not change it.
func HashDir(dir, modulePath string, skip ...string) (string, error) {
	cf, err := modzip.CheckDir(dir)
	if err != nil && len(cf.Valid) == 0 {
		return "", fmt.Errorf("hashing %s: %w", dir, err)
	}
	prefix := modulePath + "@" + "v0.0.0"
	var names []string
	byName := map[string]string{}
	for _, abs := range cf.Valid {
		if under(abs, skip) || filepath.Base(abs) == FileName {
			continue
		}
		rel, err := filepath.Rel(dir, abs)
		if err != nil {
			return "", err
		}
		name := prefix + "/" + filepath.ToSlash(rel)
		names = append(names, name)
		byName[name] = abs
	}
	return dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		return os.Open(byName[name])
	})
}

func under(path string, dirs []string) bool {
	for _, d := range dirs {
		if d != "" && strings.HasPrefix(path, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
