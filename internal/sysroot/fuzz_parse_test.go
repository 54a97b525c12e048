package sysroot

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
)

// The excerpts in testdata are cut from Debian's real bookworm InRelease
// (with its real signatures, which no longer cover the shortened text)
// and arm64 Packages index.

func readTestdata(f *testing.F, name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return data
}

func isSHA256(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

// FuzzRelease runs a downloaded InRelease or Release file through the
// signature check and the parser. Property: no panic, and a Release that
// parses lists only well-formed sums: a sum becomes a cache file name and
// a by-hash URL, so it must be 64 hex digits, and a size is never negative.
func FuzzRelease(f *testing.F) {
	inRelease := readTestdata(f, "bookworm-InRelease.excerpt")
	f.Add(inRelease)
	if block, _ := clearsign.Decode(inRelease); block != nil {
		f.Add(block.Plaintext)
	}
	f.Add([]byte("Codename: x\nSHA256:\n " + strings.Repeat("ab", 32) + " 12 main/binary-arm64/Packages\n"))
	// 64 characters, as the cache checked, but a path: the cache file
	// name would have climbed out of the cache.
	f.Add([]byte("SHA256:\n " + strings.Repeat("../", 21) + "x 1 main/binary-arm64/Packages\n"))
	f.Add([]byte("SHA256:\n " + strings.Repeat("ab", 32) + " -1 main/binary-arm64/Packages\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Both run on bytes from the network before anything is trusted.
		_, _ = verifyClearsigned(data, nil)
		_ = verifyDetached(data, data, nil)
		rel, err := parseRelease(data)
		if err != nil {
			return
		}
		if len(rel.files) == 0 {
			t.Fatal("parseRelease accepted a Release with no sums")
		}
		for name, sum := range rel.files {
			if !isSHA256(sum.sha256) || sum.size < 0 {
				t.Fatalf("parseRelease accepted %s with sha256 %q and size %d", name, sum.sha256, sum.size)
			}
		}
	})
}

// FuzzPackagesIndex parses a Packages index and resolves some of its
// packages. Property: no panic, resolution ends, every package read has
// a file name and a well-formed sha256, and every package resolution
// picks is in the index.
func FuzzPackagesIndex(f *testing.F) {
	f.Add(readTestdata(f, "bookworm-arm64-Packages.excerpt"))
	f.Add([]byte("Package: a\nVersion: 1\nArchitecture: arm64\nDepends: b | c (>= 2), d:any\nFilename: pool/a.deb\nSize: 1\nSHA256: " +
		strings.Repeat("0", 64) + "\n\nPackage: b\nVersion: 1:2-3\nArchitecture: all\nProvides: c (= 3)\nFilename: pool/b.deb\nSize: 2\nSHA256: " +
		strings.Repeat("1", 64) + "\n"))
	f.Add([]byte("Package: a\nVersion: 1\nPre-Depends: a\nDepends: a (<< 1)\nFilename: x\nSize: 0\nSHA256: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx := &index{where: "fuzz", pkgs: map[string][]*pkg{}, provides: map[string][]provider{}}
		if err := idx.parse(bytes.NewReader(data)); err != nil {
			return
		}
		idx.sortVersions()
		var names []string
		for name, list := range idx.pkgs {
			names = append(names, name)
			for _, p := range list {
				if p.filename == "" || !isSHA256(p.sha256) {
					t.Fatalf("package %s: accepted filename %q, sha256 %q", p, p.filename, p.sha256)
				}
			}
		}
		sort.Strings(names)
		for _, name := range names[:min(len(names), 4)] {
			sel, err := resolve(idx, "arm64", []string{name}, func(string) {})
			if err != nil {
				continue
			}
			for _, p := range sel {
				if !inIndex(idx, p) {
					t.Fatalf("resolving %s chose %s, which is not in the index", name, p)
				}
			}
		}
	})
}

func inIndex(idx *index, p *pkg) bool {
	for _, q := range idx.pkgs[p.name] {
		if q == p {
			return true
		}
	}
	return false
}

// FuzzShlibs reads a package's DEBIAN/shlibs file, a control file taken
// from the .deb. Property: no panic, and every entry names the package
// whose file it came from.
func FuzzShlibs(f *testing.F) {
	f.Add("libz 1 zlib1g (>= 1:1.1.4)\n")
	f.Add("# comment\nudeb: libz 1 zlib1g-udeb (>= 1:1.1.4)\nlibcairo 2 libcairo2 (>= 1.16.0) | libcairo2-alt\n\n   \n")
	f.Add("libfoo-1.2\n:\nlibx y\n")
	f.Fuzz(func(t *testing.T, text string) {
		s := &Sysroot{Dir: t.TempDir(), Triplet: "aarch64-linux-gnu"}
		file := filepath.Join(s.Dir, "shlibs")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out := map[string]ShlibsEntry{}
		if err := s.readShlibs(file, "pkg", out); err != nil {
			return
		}
		for soname, e := range out {
			if e.From != "pkg" || soname == "" {
				t.Fatalf("entry %q = %+v", soname, e)
			}
		}
	})
}
