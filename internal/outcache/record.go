package outcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/weldgo/weld/internal/atomicfile"
)

// Records are small cache entries held in one file each (resolved
// compositions, fingerprints of verified module directories). The file's
// first line carries the sha256 of the rest:
//
//	weld-record sha256:HEX
//	DATA
const recordMagic = "weld-record sha256:"

// Record areas, each a directory beside the outputs.
const (
	Compositions = "comp"
	VerifiedDirs = "moddirs"
	// APIChecks are the plugins' API checks, by lock (internal/apicheck).
	APIChecks = "apicheck"
	// Libraries are the shared libraries a binary loads, by its key and
	// the package database's state (lock pins).
	Libraries = "libs"
	// Licenses are Debian copyright files' licenses, by file hash.
	Licenses = "licenses"
)

// LoadRecord returns the record stored under key in area. A missing
// record is fs.ErrNotExist; a damaged one is removed and reported as a
// *CorruptError.
func (s *Store) LoadRecord(area, key string) ([]byte, error) {
	if s == nil {
		return nil, fs.ErrNotExist
	}
	name := s.recordPath(area, key)
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	header, body, ok := bytes.Cut(data, []byte("\n"))
	sum := sha256.Sum256(body)
	why := ""
	switch {
	case !ok || !bytes.HasPrefix(header, []byte(recordMagic)):
		why = "no checksum line"
	case string(header[len(recordMagic):]) != hex.EncodeToString(sum[:]):
		why = "sha256 mismatch"
	default:
		touch(name)
		return body, nil
	}
	os.Remove(name)
	return nil, &CorruptError{Key: key, Why: why}
}

// SaveRecord stores data under key in area, atomically, replacing any
// record there.
func (s *Store) SaveRecord(area, key string, data []byte) error {
	if s == nil {
		return nil
	}
	sum := sha256.Sum256(data)
	content := append([]byte(recordMagic+hex.EncodeToString(sum[:])+"\n"), data...)
	return atomicfile.WriteFile(s.recordPath(area, key), content, 0o644)
}

func (s *Store) recordPath(area, key string) string {
	return filepath.Join(filepath.Dir(s.Dir), area, key)
}

// LoadComposition returns the stored resolved composition for key.
func (s *Store) LoadComposition(key string) ([]byte, error) { return s.LoadRecord(Compositions, key) }

// SaveComposition stores a resolved composition under key, atomically.
func (s *Store) SaveComposition(key string, data []byte) error {
	return s.SaveRecord(Compositions, key, data)
}
