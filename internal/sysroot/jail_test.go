package sysroot

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// This file holds the harness of the extraction escape tests and fuzz
// target: tar entries written exactly as given (no implied directories),
// a .deb around them, and a jail that proves extraction stayed inside the
// sysroot.

// entry is one member of a hand-made data.tar.
type entry struct {
	kind   byte   // 'f' regular file, 'd' directory, 'l' symlink, 'h' hard link
	name   string // member name as stored
	target string // link target, or the content of a regular file
}

// rawTar writes the entries in order, without adding parent directories.
func rawTar(entries []entry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(1700000000, 0)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, ModTime: mtime}
		switch e.kind {
		case 'f':
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.target))
		case 'd':
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case 'l':
			h.Typeflag, h.Linkname, h.Mode = tar.TypeSymlink, e.target, 0o777
		case 'h':
			h.Typeflag, h.Linkname = tar.TypeLink, e.target
		default:
			return nil, fmt.Errorf("unknown entry kind %q", e.kind)
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if e.kind == 'f' {
			if _, err := tw.Write([]byte(e.target)); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// debAround wraps an uncompressed data.tar into a .deb with a minimal
// control.tar, as dpkg-deb lays it out.
func debAround(dataTar []byte) []byte {
	ctl, _ := rawTar([]entry{{'f', "./control", "Package: evil\nVersion: 1\nArchitecture: arm64\n"}})
	var ar bytes.Buffer
	ar.WriteString("!<arch>\n")
	for _, m := range []struct {
		name string
		body []byte
	}{{"debian-binary", []byte("2.0\n")}, {"control.tar", ctl}, {"data.tar", dataTar}} {
		fmt.Fprintf(&ar, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", m.name, 0, 0, 0, "100644", len(m.body))
		ar.Write(m.body)
		if len(m.body)%2 == 1 {
			ar.WriteByte('\n')
		}
	}
	return ar.Bytes()
}

// jailDepth is how deep the sysroot sits below the jail's base. An entry
// that climbs out of the sysroot by up to this many levels lands inside
// the base, where check sees it, rather than in the real file system.
const jailDepth = 8

// jail is a temporary directory with a sysroot deep inside it and a secret
// file beside it that extraction must neither reach nor link to.
type jail struct {
	base, root, secret string
	known              map[string]bool // everything outside root, made by newJail
}

func newJail(t testing.TB) *jail {
	t.Helper()
	j := &jail{base: t.TempDir(), known: map[string]bool{}}
	j.known[j.base] = true
	dir := j.base
	for i := 1; i <= jailDepth; i++ {
		dir = filepath.Join(dir, fmt.Sprintf("d%d", i))
		j.known[dir] = true
	}
	j.root = filepath.Join(dir, "root")
	outside := filepath.Join(j.base, "outside")
	j.secret = filepath.Join(outside, "secret")
	j.known[outside], j.known[j.secret] = true, true
	if err := os.MkdirAll(j.root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(j.secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := newTree(j.root); err != nil {
		t.Fatal(err)
	}
	return j
}

// extract installs the .deb into the jail's sysroot as build does.
func (j *jail) extract(t testing.TB, debData []byte) error {
	t.Helper()
	name := filepath.Join(t.TempDir(), "evil.deb")
	if err := os.WriteFile(name, debData, 0o644); err != nil {
		t.Fatal(err)
	}
	return extractDeb(name, j.root, "evil")
}

// check fails the test if extraction created or changed anything outside
// the sysroot, left a symlink inside it that resolves (or passes) outside
// it, or hard-linked a file from outside into it.
func (j *jail) check(t testing.TB) {
	t.Helper()
	err := filepath.Walk(j.base, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p == j.root {
			return filepath.SkipDir
		}
		if !j.known[p] {
			t.Errorf("extraction created %s outside the sysroot", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(j.secret); err != nil || string(data) != "secret" {
		t.Errorf("the file outside the sysroot was changed: %q, %v", data, err)
	}
	secret, err := os.Stat(j.secret)
	if err != nil {
		t.Fatal(err)
	}
	if n := secret.Sys().(*syscall.Stat_t).Nlink; n != 1 {
		t.Errorf("the file outside the sysroot has %d hard links, want 1", n)
	}
	err = filepath.Walk(j.root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			if where, out := resolvesOutside(j.root, p); out {
				target, _ := os.Readlink(p)
				t.Errorf("symlink %s -> %s leads outside the sysroot, to %s", p, target, where)
			}
		case os.SameFile(fi, secret):
			t.Errorf("%s is a hard link to %s, outside the sysroot", p, j.secret)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// resolvesOutside follows a symlink the way the kernel does, one path
// component at a time through the real file system, and reports the first
// place outside root that the walk reaches. An absolute target is outside
// by definition: extraction must make every link relative. It is written
// independently of the extraction code so that it cannot share its bugs.
func resolvesOutside(root, link string) (string, bool) {
	target, err := os.Readlink(link)
	if err != nil {
		return "", false
	}
	if filepath.IsAbs(target) {
		return target, true
	}
	inside := func(p string) bool { return p == root || strings.HasPrefix(p, root+string(filepath.Separator)) }
	cur := filepath.Dir(link)
	todo := strings.Split(target, "/")
	for hops := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
		default:
			next := filepath.Join(cur, c)
			fi, err := os.Lstat(next)
			if err == nil && fi.Mode()&os.ModeSymlink != 0 {
				if hops++; hops > 40 {
					return "", false // ELOOP: the link leads nowhere
				}
				t, err := os.Readlink(next)
				if err != nil {
					return "", false
				}
				if filepath.IsAbs(t) {
					return t, true
				}
				todo = append(strings.Split(t, "/"), todo...)
				continue
			}
			cur = next
		}
		if !inside(cur) {
			return cur, true
		}
	}
	return cur, false
}
