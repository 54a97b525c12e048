package verify

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestArMember reads members of an ar archive as a .deb has them, and
// refuses what is not one.
func TestArMember(t *testing.T) {
	hdr := func(name string, size int) string {
		h := []byte(strings.Repeat(" ", 60))
		copy(h[0:], name)
		copy(h[48:], strconv.Itoa(size))
		copy(h[58:], "`\n")
		return string(h)
	}
	ar := "!<arch>\n" + hdr("debian-binary", 4) + "2.0\n" + hdr("control.tar.gz", 3) + "abc\n" + hdr("data.tar.gz/", 5) + "hello\n"
	for name, want := range map[string]string{"debian-binary": "2.0\n", "control.tar.gz": "abc", "data.tar.gz": "hello"} {
		r, err := arMember(strings.NewReader(ar), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _ := io.ReadAll(r)
		if string(got) != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if _, err := arMember(strings.NewReader(ar), "missing"); err == nil {
		t.Error("a missing member was found")
	}
	if _, err := arMember(bytes.NewReader([]byte("PK\x03\x04 not an ar archive")), "data.tar.gz"); err == nil {
		t.Error("a zip was read as an ar archive")
	}
	bad := "!<arch>\n" + hdr("data.tar.gz", 0)[:48] + "-1        " + "`\n"
	if _, err := arMember(strings.NewReader(bad), "data.tar.gz"); err == nil {
		t.Error("a negative member size was accepted")
	}
}

func TestIsImage(t *testing.T) {
	dir := t.TempDir()
	layoutDir := filepath.Join(dir, "layout")
	if err := os.MkdirAll(layoutDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(layoutDir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for src, want := range map[string]bool{
		layoutDir:                true,
		dir:                      false, // a directory without oci-layout
		"127.0.0.1:5000/app:1.0": true,
		"registry.example/team/app@sha256:" + strings.Repeat("a", 64): true,
		"localhost/app":                   true,
		"dist/typo/app":                   false, // a missing file, not Docker Hub
		"app:1.0":                         false,
		filepath.Join(dir, "missing.tar"): false,
	} {
		if got := IsImage(src); got != want {
			t.Errorf("IsImage(%q) = %v, want %v", src, got, want)
		}
	}
}
