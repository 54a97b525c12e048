//go:build unix

package inspect

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadRefusesSpecialFiles: a FIFO, a directory or a device is refused
// at once, naming what it is; a FIFO used to block the open forever.
func TestReadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	tests := []struct {
		description string
		path        string
		want        string
	}{
		{"named pipe", fifo, "inspecting " + fifo + ": not a regular file (it is a named pipe); give the path of a Go executable"},
		{"directory", dir, "inspecting " + dir + ": not a regular file (it is a directory); give the path of a Go executable"},
		{"device", os.DevNull, "inspecting " + os.DevNull + ": not a regular file (it is a device); give the path of a Go executable"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Read(tt.path)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || err.Error() != tt.want {
					t.Errorf("Read(%s): %v\nwant: %s", tt.path, err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Read(%s) still blocks after 10s", tt.path)
			}
		})
	}
}

// TestReadSymlinkToText: a symlink to a regular file is followed.
func TestReadSymlinkToText(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "text")
	if err := os.WriteFile(text, []byte("not a binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(text, link); err != nil {
		t.Fatal(err)
	}
	_, err := Read(link)
	if err == nil || !strings.HasPrefix(err.Error(), "reading build info of "+link) {
		t.Errorf("Read(symlink to text) = %v, want the build info error, not a file-kind refusal", err)
	}
}
