package sysroot

import (
	"archive/tar"
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/artifact/deb"
)

// filesList is, in a package's control directory, the list of the paths
// (slash-separated, relative to the root) its data.tar put in the tree, as
// dpkg's info/<package>.list: which package a file of the sysroot came from.
const filesList = "files"

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

// keptDoc says whether a member under usr/share/doc is kept: a package's
// copyright file, its doc directory, or that directory as a link to
// another package's (Debian links the doc directories of packages built
// from one source).
func keptDoc(rel string, typ byte) bool {
	rest, ok := strings.CutPrefix(rel, "usr/share/doc/")
	if !ok || rest == "" {
		return false
	}
	pkg, file, nested := strings.Cut(rest, "/")
	switch {
	case !nested:
		return typ == tar.TypeDir || typ == tar.TypeSymlink
	default:
		return pkg != "" && file == "copyright" && (typ == tar.TypeReg || typ == tar.TypeSymlink || typ == tar.TypeLink)
	}
}

func writeFilesList(dir string, files []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(dir, filesList)
	if err := os.Remove(name); err != nil && !os.IsNotExist(err) {
		return err
	}
	return writeFile(name, strings.NewReader(strings.Join(files, "\n")+"\n"), 0o644)
}
