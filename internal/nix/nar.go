// Package nix exports a composition as a Nix flake that builds with
// nixpkgs' buildGoModule and no weld, and computes the flake's vendorHash
// itself: the NAR hash of the vendor directory that buildGoModule's
// go-modules derivation produces.
package nix

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// The NAR (Nix ARchive) format, as Nix writes it (nix-store --dump):
//
//	nar       = str("nix-archive-1") node
//	node      = str("(") str("type") body str(")")
//	body      = str("regular") [str("executable") str("")] str("contents") str(DATA)
//	          | str("symlink") str("target") str(TARGET)
//	          | str("directory") { str("entry") str("(") str("name") str(NAME) str("node") node str(")") }
//	str(s)    = uint64 little-endian len(s), s, zero bytes up to a multiple of 8
//
// Directory entries are sorted by name, byte-wise. A file is executable
// when its owner may execute it. Nothing else (times, owners, other
// permission bits) is recorded.

const narMagic = "nix-archive-1"

// WriteNAR writes the NAR serialisation of the file, symlink or directory
// at path to w.
func WriteNAR(w io.Writer, path string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	n := &narWriter{w: bw}
	n.str(narMagic)
	n.node(path)
	if n.err == nil {
		n.err = bw.Flush()
	}
	return n.err
}

// HashPath returns the SHA-256 of path's NAR serialisation: what
// `nix hash path` and `nix-hash --type sha256` print, and what a
// fixed-output derivation with outputHashMode = "recursive" is checked
// against.
func HashPath(path string) ([sha256.Size]byte, error) {
	h := sha256.New()
	var sum [sha256.Size]byte
	if err := WriteNAR(h, path); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// SRI renders a SHA-256 digest as Nix writes hashes in expressions:
// "sha256-" and standard padded base64.
func SRI(sum [sha256.Size]byte) string {
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// nixBase32Alphabet is Nix's base32 alphabet: digits and lower-case
// letters without e, o, u and t.
const nixBase32Alphabet = "0123456789abcdfghijklmnpqrsvwxyz"

// Base32 renders a digest in Nix's base32, as `nix-hash --base32` prints
// it. Nix's encoding reads the bytes as one little-endian number and
// writes its 5-bit groups most significant first, which is not RFC 4648.
func Base32(sum []byte) string {
	if len(sum) == 0 {
		return ""
	}
	n := (len(sum)*8-1)/5 + 1
	out := make([]byte, 0, n)
	for i := n - 1; i >= 0; i-- {
		b := i * 5
		j, k := b/8, uint(b%8)
		c := sum[j] >> k
		if j+1 < len(sum) {
			c |= sum[j+1] << (8 - k)
		}
		out = append(out, nixBase32Alphabet[c&0x1f])
	}
	return string(out)
}

type narWriter struct {
	w   *bufio.Writer
	err error
	buf [8]byte
}

func (n *narWriter) write(p []byte) {
	if n.err == nil {
		_, n.err = n.w.Write(p)
	}
}

func (n *narWriter) length(l uint64) {
	binary.LittleEndian.PutUint64(n.buf[:], l)
	n.write(n.buf[:])
}

func (n *narWriter) pad(l uint64) {
	if r := l % 8; r != 0 {
		var zero [8]byte
		n.write(zero[:8-r])
	}
}

func (n *narWriter) str(s string) {
	n.length(uint64(len(s)))
	if n.err == nil {
		_, n.err = n.w.WriteString(s)
	}
	n.pad(uint64(len(s)))
}

func (n *narWriter) node(path string) {
	if n.err != nil {
		return
	}
	info, err := os.Lstat(path)
	if err != nil {
		n.err = err
		return
	}
	n.str("(")
	n.str("type")
	switch mode := info.Mode(); {
	case mode.IsRegular():
		n.str("regular")
		if mode.Perm()&0o100 != 0 {
			n.str("executable")
			n.str("")
		}
		n.str("contents")
		n.contents(path, info.Size())
	case mode&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			n.err = err
			return
		}
		n.str("symlink")
		n.str("target")
		n.str(target)
	case mode.IsDir():
		n.str("directory")
		n.dir(path)
	default:
		n.err = fmt.Errorf("%s: a NAR holds only regular files, symlinks and directories, not %v", path, mode.Type())
		return
	}
	n.str(")")
}

// contents streams a regular file, checking that it did not change size
// while it was read.
func (n *narWriter) contents(path string, size int64) {
	if n.err != nil {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		n.err = err
		return
	}
	defer f.Close()
	n.length(uint64(size))
	if n.err != nil {
		return
	}
	copied, err := io.Copy(n.w, io.LimitReader(f, size))
	if err == nil && copied != size {
		err = fmt.Errorf("%s: file shrank from %d to %d bytes while it was read", path, size, copied)
	}
	if err != nil {
		n.err = err
		return
	}
	n.pad(uint64(size))
}

func (n *narWriter) dir(path string) {
	f, err := os.Open(path)
	if err != nil {
		n.err = err
		return
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		n.err = err
		return
	}
	sort.Strings(names)
	for _, name := range names {
		n.str("entry")
		n.str("(")
		n.str("name")
		n.str(name)
		n.str("node")
		n.node(filepath.Join(path, name))
		n.str(")")
		if n.err != nil {
			return
		}
	}
}
