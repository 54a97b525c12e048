package outcache

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPruneEvictsLeastRecentlyUsedFirst(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	mk := func(rel string, size int, age time.Duration) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "data"), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		when := now.Add(-age)
		for _, f := range []string{filepath.Join(p, "data"), p} {
			if err := os.Chtimes(f, when, when); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	oldest := mk("out/a", 100, 3*time.Hour)
	middle := mk("pkg/b", 100, 2*time.Hour)
	newest := mk("out/c", 100, time.Hour)
	sysroot := mk("sysroot/roots/arm64-x", 100, 30*time.Minute) // may be in use
	p, err := Prune(dir, PruneOptions{MaxBytes: 50, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{oldest: false, middle: false, newest: false, sysroot: true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s: kept %v, want %v", path, err == nil, want)
		}
	}
	if p.Entries != 3 || p.Bytes != 300 || p.Kept != 1 {
		t.Errorf("Prune = %+v, want 3 entries, 300 bytes, 1 kept", p)
	}

	// With room for two entries, only the least recently used goes.
	dir = t.TempDir()
	oldest, middle, newest = mk("out/a", 100, 3*time.Hour), mk("comp/b", 100, 2*time.Hour), mk("out/c", 100, time.Hour)
	if _, err := Prune(dir, PruneOptions{MaxBytes: 200, Now: now}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{oldest: false, middle: true, newest: true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s: kept %v, want %v", path, err == nil, want)
		}
	}
	// --older-than takes what has not been used for that long.
	if _, err := Prune(dir, PruneOptions{OlderThan: 90 * time.Minute, Now: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(middle); err == nil {
		t.Error("an entry unused for 2h survived --older-than 90m")
	}
	if _, err := os.Stat(newest); err != nil {
		t.Error("an entry used 1h ago was evicted by --older-than 90m")
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "out")); len(left) != 1 {
		t.Errorf("out holds %d entries after pruning, want 1 (nothing left aside)", len(left))
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"2048": 2048, "1K": 1024, "500M": 500 << 20, "10G": 10 << 30, "1.5g": 3 << 29, "2TB": 2 << 40} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lots", "-1G", "G"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) succeeded", bad)
		}
	}
}

func TestAutoPruneAppliesTheLimitDaily(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("WELD_CACHE", dir)
	t.Setenv("WELD_CACHE_MAX_SIZE", "1K")
	write := func(name string) {
		p := filepath.Join(dir, "out", name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "data"), make([]byte, 4096), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a")
	var notes []string
	if err := AutoPrune(func(s string) { notes = append(notes, s) }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "a")); err == nil || len(notes) != 1 {
		t.Fatalf("over the limit: entry kept (%v) or notes %q", err, notes)
	}
	// Within the day the limit is not checked again: no walk of the
	// cache after every command.
	write("b")
	if err := AutoPrune(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "b")); err != nil {
		t.Errorf("the limit was applied twice in a day: %v", err)
	}
	t.Setenv("WELD_CACHE_MAX_SIZE", "huge")
	if err := os.Remove(filepath.Join(dir, "last-prune")); err != nil {
		t.Fatal(err)
	}
	if err := AutoPrune(nil); err == nil {
		t.Error("a bad WELD_CACHE_MAX_SIZE was accepted")
	}
}
