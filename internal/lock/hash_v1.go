package lock

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// hashDirV1 is the local module hash of lock format 1: the h1: hash of the
// files the module zip rules keep. Those rules leave out symlinks and names
// a zip rejects, although a build compiles them, so format 2 replaced it
// with HashDir. It is kept only to check a format 1 lock before upgrading
// it (see Upgrade).
func hashDirV1(dir, modulePath string, skip ...string) (string, error) {
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
