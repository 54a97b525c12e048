package sysroot

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Only temporary trees that build named, and that are old, are removed
// from the temporary directory: nothing else in it is weld's to delete.
func TestRemoveStaleKeepsOtherFiles(t *testing.T) {
	root := t.TempDir()
	old := time.Now().Add(-48 * time.Hour)
	entries := map[string]bool{ // name: removed
		"amd64-0123456789abcdef01234567-123456": true,
		"notes":                                 false,
		"amd64-0123456789abcdef01234567-x":      false,
	}
	for name := range entries {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Join(p, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
	}
	fresh := filepath.Join(root, "arm64-0123456789abcdef01234567-99")
	os.Mkdir(fresh, 0o755)
	entries[filepath.Base(fresh)] = false
	removeStale(root)
	for name, removed := range entries {
		_, err := os.Stat(filepath.Join(root, name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s: removed %v, want %v", name, gone, removed)
		}
	}
}
