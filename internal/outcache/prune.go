package outcache

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/progress"
)

// An area of weld's cache: a directory whose children are its entries.
type area struct {
	// Name says what it holds; Dir is relative to the cache directory.
	Name, Dir string
	// InUseFor is how long after its last use an entry may still be in
	// use by a running build: an extracted sysroot is read by the C
	// compiler during a whole build, while the other entries are copied
	// out (or read) at once and may go as soon as they are moved aside.
	InUseFor time.Duration
}

var areas = []area{
	{Name: "outputs", Dir: "out"},
	{Name: "packages and attestations", Dir: "pkg"},
	{Name: "resolved compositions", Dir: Compositions},
	{Name: "verified module fingerprints", Dir: VerifiedDirs},
	{Name: "API checks", Dir: APIChecks},
	{Name: "library lists", Dir: Libraries},
	{Name: "Debian licenses", Dir: Licenses},
	{Name: "sysroots", Dir: filepath.Join("sysroot", "roots"), InUseFor: time.Hour},
	{Name: "Debian packages", Dir: filepath.Join("sysroot", "debs")},
	// A go command reads the files weld cacheprog hands it until the
	// build ends.
	{Name: "compile results (weld cacheprog)", Dir: CacheprogDir, InUseFor: time.Hour},
}

// CacheprogDir is where weld cacheprog keeps the files the go command
// reads, relative to the cache directory.
const CacheprogDir = "cacheprog"

// AreaUsage is what one area of the cache holds.
type AreaUsage struct {
	Name    string `json:"name"`
	Dir     string `json:"dir"`
	Entries int    `json:"entries"`
	Bytes   int64  `json:"bytes"`
}

type entry struct {
	path     string
	bytes    int64
	used     time.Time
	inUseFor time.Duration
}

// Usage reports, per area of the cache directory dir, how many entries it
// holds and their size.
func Usage(dir string) ([]AreaUsage, error) {
	var out []AreaUsage
	for _, a := range areas {
		es, err := entries(dir, a)
		if err != nil {
			return nil, err
		}
		u := AreaUsage{Name: a.Name, Dir: filepath.Join(dir, a.Dir), Entries: len(es)}
		for _, e := range es {
			u.Bytes += e.bytes
		}
		out = append(out, u)
	}
	return out, nil
}

// entries lists an area's entries with their size and last use (the
// modification time, which a read refreshes: see touch).
func entries(dir string, a area) ([]entry, error) {
	parent := filepath.Join(dir, a.Dir)
	list, err := os.ReadDir(parent)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []entry
	for _, de := range list {
		if strings.HasPrefix(de.Name(), ".") || de.Name() == "tmp" {
			continue // temporary trees of running builds
		}
		p := filepath.Join(parent, de.Name())
		fi, err := os.Lstat(p)
		if err != nil {
			continue // removed meanwhile
		}
		e := entry{path: p, used: fi.ModTime(), inUseFor: a.InUseFor}
		if fi.IsDir() {
			e.used = lastUse(p, fi.ModTime())
			filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					if info, err := d.Info(); err == nil {
						e.bytes += info.Size()
					}
				}
				return nil
			})
		} else {
			e.bytes = fi.Size()
		}
		out = append(out, e)
	}
	return out, nil
}

// lastUse is a directory entry's last use: the newest of its own time and
// its marker files' (a sysroot's completion marker, touched on reuse).
func lastUse(dir string, t time.Time) time.Time {
	for _, marker := range []string{".weld/packages.json", sumsName} {
		if fi, err := os.Stat(filepath.Join(dir, marker)); err == nil && fi.ModTime().After(t) {
			t = fi.ModTime()
		}
	}
	return t
}

// touch records a use of an entry, for least-recently-used eviction.
// Failing to is harmless: the entry may only be evicted sooner.
func touch(path string) {
	now := time.Now()
	os.Chtimes(path, now, now)
}

// PruneOptions say what to evict.
type PruneOptions struct {
	// MaxBytes evicts least recently used entries until the cache holds
	// at most this much; 0 or less means no size limit.
	MaxBytes int64
	// OlderThan evicts every entry unused for this long; 0 means none.
	OlderThan time.Duration
	// Now is the time to measure age from (time.Now by default).
	Now time.Time
}

// Pruned is what a prune removed.
type Pruned struct {
	Entries int
	Bytes   int64
	// Kept counts entries that would have gone but may be in use.
	Kept int
}

// Prune evicts entries of the cache directory dir: first those unused
// for longer than OlderThan, then the least recently used until the cache
// fits MaxBytes. An entry is moved aside under a temporary name (in one
// rename, so a build either finds it whole or not at all, and a build
// that has its files open keeps reading them) and then removed. Entries
// that may be in use by a running build (a sysroot used within the last
// hour) are kept.
func Prune(dir string, o PruneOptions) (Pruned, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	var all []entry
	var total int64
	for _, a := range areas {
		es, err := entries(dir, a)
		if err != nil {
			return Pruned{}, err
		}
		for _, e := range es {
			total += e.bytes
		}
		all = append(all, es...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].used.Before(all[j].used) })
	var p Pruned
	for _, e := range all {
		old := o.OlderThan > 0 && o.Now.Sub(e.used) > o.OlderThan
		over := o.MaxBytes > 0 && total > o.MaxBytes
		if !old && !over {
			continue
		}
		if e.inUseFor > 0 && o.Now.Sub(e.used) < e.inUseFor {
			p.Kept++
			continue
		}
		if err := evict(e.path); err != nil {
			return p, fmt.Errorf("evicting %s: %w", e.path, err)
		}
		total -= e.bytes
		p.Entries++
		p.Bytes += e.bytes
	}
	return p, nil
}

// evict moves an entry aside in one rename, then removes it.
func evict(path string) error {
	aside, err := atomicfile.MkdirTemp(filepath.Dir(path), filepath.Base(path)+".evicted")
	if err != nil {
		return err
	}
	defer os.RemoveAll(aside)
	if err := os.Rename(path, filepath.Join(aside, "entry")); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// ParseSize reads a size such as 500M, 10G or 2048 (bytes; K, M, G and T
// are powers of 1024).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = int64(1) << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a size (such as 500M or 10G)", s)
	}
	return int64(v * float64(mult)), nil
}

// FormatSize renders a byte count for people.
func FormatSize(n int64) string { return progress.FormatBytes(n) }

// DefaultMaxSize is the size weld keeps its cache under when
// WELD_CACHE_MAX_SIZE does not say otherwise.
const DefaultMaxSize = 10 << 30

// autoPruneEvery is how often the automatic limit is applied: a walk of
// the cache costs more than a no-op build, so it is done at most daily.
const autoPruneEvery = 24 * time.Hour

// AutoPrune applies the cache's size limit (WELD_CACHE_MAX_SIZE, such as
// 20G; off for none; DefaultMaxSize otherwise) at most once a day, and
// says what it evicted through note.
func AutoPrune(note func(string)) error {
	dir, ok := Dir()
	if !ok {
		return nil
	}
	limit := int64(DefaultMaxSize)
	if v := os.Getenv("WELD_CACHE_MAX_SIZE"); v != "" {
		if v == "off" || v == "0" {
			return nil
		}
		n, err := ParseSize(v)
		if err != nil {
			return fmt.Errorf("WELD_CACHE_MAX_SIZE: %w", err)
		}
		limit = n
	}
	stamp := filepath.Join(dir, "last-prune")
	if fi, err := os.Stat(stamp); err == nil && time.Since(fi.ModTime()) < autoPruneEvery {
		return nil
	}
	if _, err := os.Stat(dir); err != nil {
		return nil // nothing cached yet
	}
	p, err := Prune(dir, PruneOptions{MaxBytes: limit})
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(stamp, nil, 0o644); err != nil {
		return err
	}
	if p.Entries > 0 && note != nil {
		note(fmt.Sprintf("weld's cache was over %s (WELD_CACHE_MAX_SIZE): evicted %d least recently used entries, %s", FormatSize(limit), p.Entries, FormatSize(p.Bytes)))
	}
	return nil
}
