//go:build unix

package sysroot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/atomicfile/atomictest"
)

// The next Ensure removes the temporary trees that killed builds left
// beside the sysroots, whichever sysroot they were extracting, and keeps
// those of builds still running and everything that weld did not name.
func TestEnsureRemovesDeadWritersTemporaryTrees(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	r := a.request(t, "app-dev")
	roots := filepath.Join(r.CacheDir, "sysroot", "roots")
	if err := os.MkdirAll(roots, 0o755); err != nil {
		t.Fatal(err)
	}
	other := "arm64-0123456789abcdef01234567"
	dead := []string{
		atomictest.DeadWriterDir(t, roots, other),
		atomictest.DeadWriterDir(t, roots, "amd64-89abcdef0123456789abcdef"),
	}
	kept := []string{
		atomictest.LiveWriterDir(t, roots, other),
		filepath.Join(roots, other),          // another sysroot
		filepath.Join(roots, ".notes.tmp-1"), // not a name weld gives
	}
	for _, p := range kept[1:] {
		if err := os.MkdirAll(filepath.Join(p, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Ensure(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range dead {
		if atomictest.Exists(t, p) {
			t.Errorf("the dead writer's %s is still there", filepath.Base(p))
		}
	}
	for _, p := range kept {
		if !atomictest.Exists(t, p) {
			t.Errorf("%s was removed", filepath.Base(p))
		}
	}
	if !atomictest.Exists(t, filepath.Join(s.Dir, completeMarker)) {
		t.Errorf("the sysroot %s is not complete", s.Dir)
	}
}

// A build killed (SIGKILL) while extracting a sysroot leaves its
// temporary tree; the next build removes it and extracts the sysroot.
func TestEnsureAfterKilledExtraction(t *testing.T) {
	if cache := os.Getenv("SYSROOT_TEST_KILLED_EXTRACTION"); cache != "" {
		a := newFakeArchive(t, testPackages())
		r := a.request(t, "app-dev")
		r.CacheDir = cache
		r.Log = func(line string) {
			if strings.Contains(line, "extracted") { // logged before the rename
				fmt.Println("extracted")
				time.Sleep(time.Minute) // killed here
			}
		}
		_, err := Ensure(context.Background(), r)
		fmt.Fprintln(os.Stderr, "not killed:", err)
		os.Exit(1)
	}
	a := newFakeArchive(t, testPackages())
	r := a.request(t, "app-dev")
	atomictest.KillWhen(t, "TestEnsureAfterKilledExtraction", "extracted", "SYSROOT_TEST_KILLED_EXTRACTION="+r.CacheDir)
	before := hiddenTrees(t, r.CacheDir)
	if len(before) == 0 {
		t.Fatal("the killed extraction left no temporary tree")
	}
	if _, err := Ensure(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if left := hiddenTrees(t, r.CacheDir); len(left) > 0 {
		t.Errorf("after the next build the cache still holds %v (the killed build left %v)", left, before)
	}
}
