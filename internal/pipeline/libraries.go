package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// libraryRecords is the cache area of the libraries found for a binary.
const libraryRecords = outcache.Libraries

// dpkgStatus is dpkg's database of installed packages: installing,
// upgrading or removing any package rewrites it.
var dpkgStatus = "/var/lib/dpkg/status"

// pinLibraries finds the shared libraries and DLLs of every cgo artifact
// (toolchain.Libraries), for the SBOMs, and checks them against
// weld.lock's pins (lockpolicy.PinLibraries): a build writes changed pins
// once, --locked fails on any difference.
func (s *Session) pinLibraries(ctx context.Context, arts []Artifact) error {
	if s.opts.NoPackages {
		return nil
	}
	for _, a := range arts {
		if !a.Cgo {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		libs, err := s.librariesOf(ctx, a)
		if err != nil {
			return fmt.Errorf("finding the libraries of %s: %w", a.Target, err)
		}
		if s.libs == nil {
			s.libs = map[target.Target][]toolchain.Library{}
		}
		s.libs[a.Target] = libs
		var pins []lock.Library
		for _, l := range libs {
			pins = append(pins, l.Pin(a.Target))
		}
		if err := s.policy.PinLibraries(a.Target.String(), pins); err != nil {
			return err
		}
	}
	err := s.policy.CommitLibraries()
	if s.policy.Lock != nil {
		s.Lock = s.policy.Lock
	}
	return err
}

// libraryRecord is what the cache keeps of a binary's libraries: the
// list, and the size and time of every file it was read from.
type libraryRecord struct {
	Libraries []toolchain.Library
	Files     []fileStamp
}

type fileStamp struct {
	Path  string
	Size  int64
	MTime int64
}

// librariesOf returns a binary's libraries, from weld's cache when
// neither the binary (its output key), dpkg's database, nor any file they
// were read from changed since: a no-op build then hashes no library and
// runs no dpkg.
func (s *Session) librariesOf(ctx context.Context, a Artifact) ([]toolchain.Library, error) {
	key := ""
	if a.Key != "" {
		key = outcache.Key("weld libraries v1", a.Key, a.Target.String(), stampOf(dpkgStatus))
		// Like the module fingerprints, the record is checked against
		// what it was read from (dpkg's database and every file's size
		// and time), so --no-cache, which compiles again, uses it too.
		if data, err := s.cache.LoadRecord(libraryRecords, key); err == nil {
			var rec libraryRecord
			if json.Unmarshal(data, &rec) == nil && unchanged(rec.Files) {
				return rec.Libraries, nil
			}
		}
	}
	libs, err := s.tools.Libraries(ctx, a.Target, a.Path)
	if err != nil || key == "" {
		return libs, err
	}
	rec := libraryRecord{Libraries: libs}
	for _, l := range libs {
		for _, p := range []string{l.Path, l.Copyright} {
			if fi, err := os.Stat(p); p != "" && err == nil {
				rec.Files = append(rec.Files, fileStamp{Path: p, Size: fi.Size(), MTime: fi.ModTime().UnixNano()})
			}
		}
	}
	if data, err := json.Marshal(rec); err == nil {
		_ = s.cache.SaveRecord(libraryRecords, key, data) // a cache: losing it costs one lookup
	}
	return libs, nil
}

func unchanged(files []fileStamp) bool {
	for _, f := range files {
		fi, err := os.Stat(f.Path)
		if err != nil || fi.Size() != f.Size || fi.ModTime().UnixNano() != f.MTime {
			return false
		}
	}
	return true
}

// stampOf is a file's size and modification time, cheaply telling
// whether it was rewritten (dpkg writes its status file anew and renames
// it into place); "none" for a missing file.
func stampOf(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "none"
	}
	return fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
}
