package modverify

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path/filepath"
	"strconv"
)

// Fingerprint digests the metadata of everything under dir: each entry's
// path, type and permissions, size, modification time, and where the
// system has them, inode, device and change time. Editing, replacing,
// adding, removing or renaming a file changes it; the change time cannot
// be set back by a user, so neither can the fingerprint.
func Fingerprint(dir string) (string, error) {
	h := sha256.New()
	var line []byte
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		// Each line starts with the path's length, so that no path can
		// pass for another entry's fields.
		line = strconv.AppendInt(line[:0], int64(len(p)), 10)
		line = append(line, ' ')
		line = append(line, p...)
		for _, n := range []int64{int64(fi.Mode()), fi.Size(), fi.ModTime().UnixNano()} {
			line = append(line, ' ')
			line = strconv.AppendInt(line, n, 10)
		}
		line = appendSysStat(line, fi)
		line = append(line, '\n')
		h.Write(line)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
