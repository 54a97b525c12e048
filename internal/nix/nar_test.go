package nix

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Vectors from Nix 2.8 (nix hash path, nix-hash --flat --base32).
func TestHashVectors(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "empty"), "", 0o644)
	write(t, filepath.Join(dir, "hello"), "hello\n", 0o644)
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, sri string }{
		{"empty", "sha256-d6xi4mKdjkX2JFicDIv5niSzpyI0m/Hnm8GGAIU04kY="},
		{"hello", "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM="},
		{"d", "sha256-pQpattmS9VmO3ZIQUFn66az8GSmB4IvYhTTCFn6SUmo="},
	} {
		sum, err := HashPath(filepath.Join(dir, tc.path))
		if err != nil {
			t.Fatal(err)
		}
		if got := SRI(sum); got != tc.sri {
			t.Errorf("%s: %s, want %s", tc.path, got, tc.sri)
		}
	}
}

func TestBase32(t *testing.T) {
	empty := sha256.Sum256(nil)
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte{0}, "00"},
		{[]byte{0xff}, "7z"},
		{[]byte{1}, "01"},
		{[]byte{0x20}, "10"},
		{empty[:], "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"},
	} {
		if got := Base32(tc.in); got != tc.want {
			t.Errorf("Base32(%x) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Every digest encodes to 52 characters of the alphabet and decodes
	// back (Nix's reading of the same encoding).
	r := rand.New(rand.NewSource(1))
	for range 200 {
		var sum [32]byte
		r.Read(sum[:])
		enc := Base32(sum[:])
		if len(enc) != 52 || strings.Trim(enc, nixBase32Alphabet) != "" {
			t.Fatalf("Base32(%x) = %q", sum, enc)
		}
		if dec := decodeBase32(t, enc, 32); !bytes.Equal(dec, sum[:]) {
			t.Fatalf("decode(Base32(%x)) = %x", sum, dec)
		}
	}
}

// decodeBase32 is Nix's parser for its base32 (libutil/hash.cc).
func decodeBase32(t *testing.T, s string, size int) []byte {
	out := make([]byte, size)
	for n := 0; n < len(s); n++ {
		c := s[len(s)-n-1]
		digit := strings.IndexByte(nixBase32Alphabet, c)
		b := n * 5
		i, j := b/8, uint(b%8)
		out[i] |= byte(digit << j)
		if i+1 < size {
			out[i+1] |= byte(digit >> (8 - j))
		} else if digit>>(8-j) != 0 {
			t.Fatalf("%q: invalid base32", s)
		}
	}
	return out
}

// The exact bytes of small archives.
func TestNARBytes(t *testing.T) {
	str := func(s string) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(s)))
		b = append(b, s...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
		return b
	}
	cat := func(parts ...string) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, str(p)...)
		}
		return b
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "d", "x"), "abc", 0o755)
	if err := os.Symlink("x", filepath.Join(dir, "d", "l")); err != nil {
		t.Fatal(err)
	}
	want := cat("nix-archive-1", "(", "type", "directory",
		"entry", "(", "name", "l", "node", "(", "type", "symlink", "target", "x", ")", ")",
		"entry", "(", "name", "x", "node", "(", "type", "regular", "executable", "", "contents", "abc", ")", ")",
		")")
	var got bytes.Buffer
	if err := WriteNAR(&got, filepath.Join(dir, "d")); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("NAR of d:\n%q\nwant\n%q", got.Bytes(), want)
	}
}

// What the hash depends on, and what it does not.
func TestNARProperties(t *testing.T) {
	hash := func(p string) string {
		t.Helper()
		sum, err := HashPath(p)
		if err != nil {
			t.Fatal(err)
		}
		return SRI(sum)
	}
	// Every archive is a whole number of 8-byte words, whatever the sizes.
	for n := range 20 {
		p := filepath.Join(t.TempDir(), "f")
		write(t, p, strings.Repeat("x", n), 0o644)
		var b bytes.Buffer
		if err := WriteNAR(&b, p); err != nil {
			t.Fatal(err)
		}
		if b.Len()%8 != 0 {
			t.Errorf("NAR of a %d-byte file is %d bytes", n, b.Len())
		}
	}
	a, b := t.TempDir(), t.TempDir()
	// Same content created in a different order, with different times and
	// non-executable permission bits: same hash.
	write(t, filepath.Join(a, "z"), "1", 0o644)
	write(t, filepath.Join(a, "A", "b"), "2", 0o644)
	write(t, filepath.Join(b, "A", "b"), "2", 0o600)
	write(t, filepath.Join(b, "z"), "1", 0o444)
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(b, "z"), old, old); err != nil {
		t.Fatal(err)
	}
	if hash(a) != hash(b) {
		t.Errorf("hash depends on creation order, times or permission bits")
	}
	// The executable bit, a name, the content and an empty directory each
	// change it.
	for _, tc := range []struct {
		what   string
		change func(dir string) error
	}{
		{"executable bit", func(d string) error { return os.Chmod(filepath.Join(d, "z"), 0o744) }},
		{"name", func(d string) error { return os.Rename(filepath.Join(d, "z"), filepath.Join(d, "y")) }},
		{"content", func(d string) error { return os.WriteFile(filepath.Join(d, "A", "b"), []byte("3"), 0o644) }},
		{"empty dir", func(d string) error { return os.Mkdir(filepath.Join(d, "e"), 0o755) }},
	} {
		d := t.TempDir()
		write(t, filepath.Join(d, "z"), "1", 0o644)
		write(t, filepath.Join(d, "A", "b"), "2", 0o644)
		before := hash(d)
		if err := tc.change(d); err != nil {
			t.Fatal(err)
		}
		if hash(d) == before {
			t.Errorf("changing the %s does not change the hash", tc.what)
		}
	}
	// A device has no NAR form.
	if _, err := HashPath(os.DevNull); err == nil || !strings.Contains(err.Error(), "only regular files, symlinks and directories") {
		t.Errorf("hashing %s: %v", os.DevNull, err)
	}
}

// trickyTree has what a NAR must get right: padding at every length,
// executable files, symlinks (dangling too), empty files and directories,
// and names whose byte order differs from other orders.
func trickyTree(t *testing.T) string {
	root := filepath.Join(t.TempDir(), "tree")
	for i, size := range []int{0, 1, 7, 8, 9, 15, 16, 17, 4099} {
		write(t, filepath.Join(root, "sizes", string(rune('a'+i))), strings.Repeat("n", size), 0o644)
	}
	write(t, filepath.Join(root, "bin", "tool"), "#!/bin/sh\n", 0o755)
	write(t, filepath.Join(root, "bin", "group-exec-only"), "x", 0o654)
	for _, name := range []string{"a", "B", "a.b", "a-b", "a_b", "ä", "z z", ".hidden", "_x", "A"} {
		write(t, filepath.Join(root, "names", name), name, 0o644)
	}
	for _, d := range []string{"empty", "deep/er/and/deeper"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"rel": "sizes/c", "dangling": "no/such/file", "abs": "/etc/hostname", "dir": "names"} {
		if err := os.Symlink(target, filepath.Join(root, "links-"+link)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestNARMatchesNix compares with Nix itself: the archive byte for byte
// (nix-store --dump), the base32 hash (nix-hash) and the SRI hash (nix
// hash path).
func TestNARMatchesNix(t *testing.T) {
	RequireNix(t, "nix-store", "nix-hash", "nix")
	root := trickyTree(t)
	env := NixEnv(t)
	var ours bytes.Buffer
	if err := WriteNAR(&ours, root); err != nil {
		t.Fatal(err)
	}
	if theirs := RunNix(t, env, "", "nix-store", "--dump", root); !bytes.Equal(ours.Bytes(), theirs) {
		t.Errorf("WriteNAR differs from nix-store --dump (%d and %d bytes)", ours.Len(), len(theirs))
	}
	sum, err := HashPath(root)
	if err != nil {
		t.Fatal(err)
	}
	if theirs := strings.TrimSpace(string(RunNix(t, env, "", "nix-hash", "--type", "sha256", "--base32", root))); Base32(sum[:]) != theirs {
		t.Errorf("Base32 hash %s, nix-hash %s", Base32(sum[:]), theirs)
	}
	if theirs := strings.TrimSpace(string(RunNix(t, env, "", "nix", "hash", "path", root))); SRI(sum) != theirs {
		t.Errorf("SRI hash %s, nix hash path %s", SRI(sum), theirs)
	}
}

func write(t *testing.T, name, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}
