package sysroot

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// ups climbs n directories.
func ups(n int) string { return strings.TrimSuffix(strings.Repeat("../", n), "/") }

// deep is a directory nine levels below the sysroot, and up a link in it
// that leads back to the sysroot's root without climbing out lexically.
// Links made through up are one real level higher than their path says,
// which is how a chain of symlinks defeats a purely lexical check.
const deep = "a/b/c/d/e/f/g/h/i"

var upToRoot = entry{'l', deep + "/up", ups(9)}

// TestExtractionStaysInside feeds .debs built to escape the sysroot, one
// kind of attack each. Extraction may refuse a package with an error, but
// nothing may land outside the sysroot, no symlink left inside may lead
// out, and no file from outside may be hard-linked in.
func TestExtractionStaysInside(t *testing.T) {
	for _, c := range []struct {
		name    string
		entries []entry
	}{
		{"dot-dot file", []entry{{'f', "../../../../outside/pwned", "x"}, {'f', "./" + ups(3) + "/pwned", "x"}}},
		{"absolute file", []entry{{'f', "/outside/pwned", "x"}, {'d', "/abs/dir", ""}, {'f', "/abs/dir/f", "x"}}},
		{"dot-dot directory", []entry{{'d', "../../../../../new", ""}, {'f', "../../../../../new/pwned", "x"}}},
		{"absolute symlink, then a file through it", []entry{
			{'l', "usr/lib/evil", "/tmp"}, {'f', "usr/lib/evil/pwned", "x"}}},
		{"climbing symlink, then a file through it", []entry{
			{'l', "usr/evil", ups(10) + "/outside"}, {'f', "usr/evil/pwned", "x"}}},
		{"climbing symlink at the root", []entry{{'l', "evil", ups(3)}, {'f', "evil/pwned", "x"}}},
		{"symlink chain, then a file through it", []entry{upToRoot,
			{'l', deep + "/up/esc", ups(9) + "/outside"}, {'f', deep + "/up/esc/pwned", "x"}}},
		{"symlink chain through the target", []entry{upToRoot,
			{'l', deep + "/esc", "up/" + ups(3)}, {'f', deep + "/esc/pwned", "x"}}},
		{"dangling symlink that a later link makes climb", []entry{
			{'l', "x/y/z/esc", "l1/" + ups(3)}, {'l', "x/y/z/l1", ups(3)}, {'f', "x/y/z/esc/pwned", "x"}}},
		{"symlink chain, then a directory of the same name", []entry{upToRoot,
			{'l', deep + "/up/esc", ups(9) + "/outside"}, {'d', deep + "/up/esc", ""},
			{'d', deep + "/up/esc/sub", ""}, {'f', deep + "/up/esc/sub/pwned", "x"}}},
		{"symlink, then a directory of the same name", []entry{
			{'l', "usr/lib/d", "/"}, {'d', "usr/lib/d", ""}, {'f', "usr/lib/d/pwned", "x"}}},
		{"file over an escaping symlink", []entry{upToRoot,
			{'l', deep + "/up/esc", ups(9) + "/outside/secret"}, {'f', deep + "/up/esc", "pwned"}}},
		{"hard link to a climbing path", []entry{{'h', "stolen", ups(9) + "/outside/secret"}}},
		{"hard link through an escaping symlink", []entry{upToRoot,
			{'l', deep + "/up/esc", ups(9) + "/outside"}, {'h', "stolen", deep + "/up/esc/secret"}}},
		{"hard link to a symlink", []entry{upToRoot, {'h', "hl", deep + "/up"}, {'f', "hl/" + ups(3) + "/pwned", "x"},
			{'d', "hl/sub", ""}}},
		{"hard link to a symlink, then a file through it", []entry{
			{'l', "p/q/r/up", ups(3)}, {'h', "hl", "p/q/r/up"}, {'f', "hl/pwned", "x"}}},
		{"usr-merged root link replaced", []entry{{'l', "lib", ups(4)}, {'f', "lib/pwned", "x"}}},
		{"symlink loop", []entry{{'l', "loop", "loop"}, {'f', "loop/pwned", "x"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := rawTar(c.entries)
			if err != nil {
				t.Fatal(err)
			}
			j := newJail(t)
			err = j.extract(t, debAround(data))
			t.Logf("extraction: %v", err)
			j.check(t)
		})
	}
}

// arWithSizes is an ar archive of empty members whose headers claim the
// given sizes.
func arWithSizes(sizes ...int) []byte {
	var ar bytes.Buffer
	ar.WriteString("!<arch>\n")
	for i, size := range sizes {
		fmt.Fprintf(&ar, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", fmt.Sprintf("m%d", i), 0, 0, 0, "100644", size)
	}
	return ar.Bytes()
}

// TestExtractNegativeMemberSize: an ar header claiming -60 bytes moved the
// reader back onto the same header, so extraction looped for ever.
func TestExtractNegativeMemberSize(t *testing.T) {
	for _, size := range []int{-60, -1, -120} {
		j := newJail(t)
		done := make(chan error, 1)
		go func() { done <- j.extract(t, arWithSizes(0, size)) }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "negative size") {
				t.Errorf("size %d: extraction returned %v, want an error about the negative size", size, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("size %d: extraction still running after 30s", size)
		}
	}
}
