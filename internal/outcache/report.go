package outcache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"sync"
)

// Reporter says what happened to the cache entries of one build: a
// damaged entry (which the store removes as it reads it) is reported in
// one line once its replacement is stored; any other read failure is a
// warning. The stages that read the cache share one Reporter.
type Reporter struct {
	Warn func(string)

	mu      sync.Mutex
	corrupt map[string]string
}

// ReadFailed handles a cache entry under key, for what, that could not
// be used. A missing entry is not worth a word.
func (r *Reporter) ReadFailed(err error, key, what string) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case errors.Is(err, ErrCorrupt):
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.corrupt == nil {
			r.corrupt = map[string]string{}
		}
		r.corrupt[key] = CorruptWhy(err)
	default:
		r.warn(fmt.Sprintf("cache entry %s for %s unusable: %v", ShortKey(key), what, err))
	}
}

// Stored reports, in one line, that the entry just stored under key
// replaces a damaged one.
func (r *Reporter) Stored(key, what string) {
	r.mu.Lock()
	why, ok := r.corrupt[key]
	delete(r.corrupt, key)
	r.mu.Unlock()
	if ok {
		r.warn(fmt.Sprintf("cache entry %s for %s was corrupt (%s); rebuilt", ShortKey(key), what, why))
	}
}

func (r *Reporter) warn(msg string) {
	if r.Warn != nil {
		r.Warn(msg)
	}
}

// WeldIdentity distinguishes weld builds, so that a new weld never reuses
// an old weld's entries: every key includes it. A development build is
// identified by its executable's size and time.
func WeldIdentity() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Path + "@" + bi.Main.Version
	}
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return exe
	}
	return fmt.Sprintf("devel %d %d", fi.Size(), fi.ModTime().UnixNano())
}
