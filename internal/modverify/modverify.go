// Package modverify checks module directories in the module cache against
// the h1: hashes that weld.lock records for them, as go mod verify does,
// without running the go command. Hashing every file of every module on
// every build would cost seconds on a large app, so a directory that
// matched is remembered in weld's cache by a fingerprint of its files'
// metadata (path, size, mtime, inode, ctime); it is hashed again only
// when that fingerprint changes.
package modverify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"sync"

	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/sync/errgroup"

	"github.com/weldgo/weld/internal/outcache"
)

// Module is a module directory and the hash it must have.
type Module struct {
	Path, Version string
	Dir           string
	Sum           string // "h1:..." from weld.lock
}

func (m Module) String() string { return m.Path + "@" + m.Version }

// Options configures Verify.
type Options struct {
	// Store remembers the fingerprints of verified directories; nil
	// hashes every directory every time.
	Store *outcache.Store
	// Warn reports a damaged fingerprint record (which is then only
	// hashed again).
	Warn func(string)
}

// Result says how much work Verify did.
type Result struct {
	Checked int // directories checked
	Hashed  int // of which hashed, because their fingerprint was new
	Missing int // directories that are not there (go build downloads them)
}

// MismatchError is a module directory whose content does not hash to the
// lock's hash.
type MismatchError struct {
	Module Module
	Got    string
	// Others counts further mismatching modules, not named.
	Others int
}

func (e *MismatchError) Error() string {
	more := ""
	if e.Others > 0 {
		more = fmt.Sprintf(" (and %d more modules)", e.Others)
	}
	return fmt.Sprintf("module %s in %s does not match weld.lock%s: its files hash to %s, the lock says %s; "+
		"the module cache was changed after the module was downloaded. Remove it (go clean -modcache, "+
		"or chmod -R u+w %s && rm -rf %s) and build again: go then downloads and checks it afresh",
		e.Module, e.Module.Dir, more, e.Got, e.Module.Sum, e.Module.Dir, e.Module.Dir)
}

// Verify checks every module directory. It returns a *MismatchError
// naming the first mismatching module (by path), or the first error met.
// A directory that does not exist is counted as Missing, not an error:
// nothing can be read from it, and the go command verifies what it
// downloads against go.sum.
func Verify(ctx context.Context, o Options, mods []Module) (Result, error) {
	var (
		mu         sync.Mutex
		res        Result
		mismatches []*MismatchError
	)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, m := range mods {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			hashed, got, err := verifyOne(o, m)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, fs.ErrNotExist):
				res.Missing++
				return nil
			case err != nil:
				return fmt.Errorf("module %s: %w", m, err)
			}
			res.Checked++
			if hashed {
				res.Hashed++
			}
			if got != m.Sum {
				mismatches = append(mismatches, &MismatchError{Module: m, Got: got})
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return res, err
	}
	if len(mismatches) > 0 {
		sort.Slice(mismatches, func(i, j int) bool { return mismatches[i].Module.String() < mismatches[j].Module.String() })
		mismatches[0].Others = len(mismatches) - 1
		return res, mismatches[0]
	}
	return res, nil
}

// verifyOne returns the directory's hash: the lock's own when its
// fingerprint was recorded as verified, or a fresh one.
func verifyOne(o Options, m Module) (hashed bool, sum string, err error) {
	key := recordKey(m)
	// The fingerprint is taken before hashing, so that a file changed
	// while it is hashed changes the next fingerprint too.
	fp, err := Fingerprint(m.Dir)
	if err != nil {
		return false, "", err
	}
	stored, err := o.Store.LoadRecord(outcache.VerifiedDirs, key)
	switch {
	case err == nil && string(stored) == fp:
		return false, m.Sum, nil
	case errors.Is(err, outcache.ErrCorrupt) && o.Warn != nil:
		o.Warn(fmt.Sprintf("cache entry %s for the verification of %s was corrupt (%s); hashed the module again",
			outcache.ShortKey(key), m, outcache.CorruptWhy(err)))
	}
	sum, err = dirhash.HashDir(m.Dir, m.String(), dirhash.Hash1)
	if err != nil {
		return true, "", err
	}
	if sum == m.Sum {
		// Failing to remember only costs a hash next time.
		_ = o.Store.SaveRecord(outcache.VerifiedDirs, key, []byte(fp))
	}
	return true, sum, nil
}

// recordKey names the record of a verified directory: the same directory
// holding another module version, or checked against another hash, is
// another record.
func recordKey(m Module) string {
	return outcache.Key("weld verified module directory v1", m.Dir, m.String(), m.Sum)
}
