package verify

import (
	"bytes"
	"io"
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
