//go:build unix

package lock

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestHashDirSkipsFIFO: opening a FIFO would block until a writer comes,
// so a FIFO in a module directory is left out, as no build reads one.
func TestHashDirSkipsFIFO(t *testing.T) {
	module := newModule(t)
	before := hashDir(t, module)
	if err := syscall.Mkfifo(filepath.Join(module, "pipe.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() { done <- hashDir(t, module) }()
	select {
	case after := <-done:
		if after != before {
			t.Errorf("a FIFO changed the hash (%s → %s)", before, after)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("HashDir blocked on a FIFO")
	}
}
