package sysroot

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/artifact/deb"
)

// CopyrightFile is where a package's Debian copyright file is in the
// sysroot (usr/share/doc/<package>/copyright), which extraction keeps.
// The file may be missing: not every package ships one under its own name.
func (s *Sysroot) CopyrightFile(pkg string) string {
	return filepath.Join(s.Dir, "usr", "share", "doc", pkg, "copyright")
}

// Owner returns the package of the sysroot that put the file at path (an
// absolute path inside s.Dir, possibly through the sysroot's links) in the
// tree, from the file lists extraction keeps. ok is false for a path
// outside the sysroot or one no package put there.
func (s *Sysroot) Owner(path string) (deb.Pin, bool) {
	var rels []string
	for _, p := range []string{path, evalOrSelf(path)} {
		rel, err := filepath.Rel(s.Dir, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		rels = append(rels, filepath.ToSlash(rel))
	}
	if len(rels) == 0 {
		return deb.Pin{}, false
	}
	for _, p := range s.Packages {
		if listHolds(filepath.Join(s.Dir, ".weld", "control", p.Package, filesList), rels) {
			return p, true
		}
	}
	return deb.Pin{}, false
}

func evalOrSelf(p string) string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return p
}

// listHolds says whether a package's file list names one of rels.
func listHolds(list string, rels []string) bool {
	fh, err := os.Open(list)
	if err != nil {
		return false
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		for _, r := range rels {
			if sc.Text() == r {
				return true
			}
		}
	}
	return false
}
