package sysroot

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestExtractionKeepsCopyrightFiles: of usr/share/doc, extraction keeps
// each package's copyright file (and a doc directory that is a link to
// another package's), drops the rest, and records which package put each
// file in the tree.
func TestExtractionKeepsCopyrightFiles(t *testing.T) {
	a := newFakeArchive(t, []*fakePkg{
		{name: "libcp-dev", version: "1", depends: "libcp1 (= 1)",
			files: map[string]string{"usr/include/cp.h": "int cp(void);\n"},
			links: map[string]string{"usr/share/doc/libcp-dev": "libcp1", lib + "libcp.so": "libcp.so.1"}},
		{name: "libcp1", version: "1",
			files: map[string]string{
				lib + "libcp.so.1":                    "ELF cp",
				"usr/share/doc/libcp1/copyright":      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n",
				"usr/share/doc/libcp1/changelog.gz":   "changes",
				"usr/share/doc/libcp1/examples/a.txt": "example",
				"usr/share/man/man3/cp.3":             "manual",
			}},
	})
	s, err := Ensure(context.Background(), a.request(t, "libcp-dev"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"libcp1", "libcp-dev"} { // the second through its link
		if data, err := os.ReadFile(s.CopyrightFile(pkg)); err != nil || string(data) != "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n" {
			t.Errorf("copyright of %s: %q, %v", pkg, data, err)
		}
	}
	for _, gone := range []string{"usr/share/doc/libcp1/changelog.gz", "usr/share/doc/libcp1/examples", "usr/share/man"} {
		if _, err := os.Lstat(filepath.Join(s.Dir, gone)); err == nil {
			t.Errorf("%s was extracted", gone)
		}
	}
	for file, want := range map[string]string{lib + "libcp.so.1": "libcp1", lib + "libcp.so": "libcp-dev", "usr/include/cp.h": "libcp-dev"} {
		if p, ok := s.Owner(filepath.Join(s.Dir, file)); !ok || p.Package != want {
			t.Errorf("Owner(%s) = %s, %v; want %s", file, p.Package, ok, want)
		}
	}
	if p, ok := s.Owner("/usr/include/stdio.h"); ok {
		t.Errorf("Owner of a file outside the sysroot = %s", p.Package)
	}
}
