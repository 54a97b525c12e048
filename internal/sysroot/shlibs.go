package sysroot

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"pault.ag/go/debian/dependency"
)

// ShlibsEntry says which Debian package provides a shared library and the
// dependency a binary linked against it should declare, as the library's
// own package states in DEBIAN/shlibs (what dpkg-shlibdeps uses when a
// package has no symbols file, and the floor when it has one).
type ShlibsEntry struct {
	Package    string // e.g. "libcairo2"
	MinVersion string // e.g. "1.10.0"; "" when the dependency is unversioned
	// Depends is the whole dependency as written in shlibs, e.g.
	// "libcairo2 (>= 1.10.0)"; it may hold alternatives, so use it verbatim
	// in a Depends field rather than rebuilding it from Package and
	// MinVersion.
	Depends string
	From    string // the sysroot package whose shlibs file said so
}

// Shlibs maps each shared library soname in the sysroot (libz.so.1) to its
// shlibs entry. The toolchain-provided libraries (libc.so.6, libgcc_s.so.1,
// ...) are not in the sysroot and so not in the map. The packages' symbols
// files, which give per-symbol minimal versions, are kept beside the
// shlibs files in <Dir>/.weld/control/<package>/ for callers that want the
// tighter bound.
func (s *Sysroot) Shlibs() (map[string]ShlibsEntry, error) {
	files, err := filepath.Glob(filepath.Join(s.Dir, ".weld", "control", "*", "shlibs"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := map[string]ShlibsEntry{}
	for _, f := range files {
		from := filepath.Base(filepath.Dir(f))
		if err := s.readShlibs(f, from, out); err != nil {
			return nil, fmt.Errorf("reading shlibs of %s: %w", from, err)
		}
	}
	return out, nil
}

func (s *Sysroot) readShlibs(file, from string, out map[string]ShlibsEntry) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		// "udeb: libz 1 zlib1g-udeb ..." is for the installer; skip typed lines.
		if strings.HasSuffix(f[0], ":") || len(f) < 3 {
			continue
		}
		deps := strings.Join(f[2:], " ")
		e := ShlibsEntry{Depends: deps, From: from}
		if d, err := dependency.Parse(deps); err == nil && len(d.Relations) > 0 && len(d.Relations[0].Possibilities) > 0 {
			p := d.Relations[0].Possibilities[0]
			e.Package = p.Name
			if p.Version != nil && (p.Version.Operator == ">=" || p.Version.Operator == "=") {
				e.MinVersion = p.Version.Number
			}
		}
		out[s.soname(f[0], f[1])] = e
	}
	return sc.Err()
}

// soname rebuilds a soname from shlibs' "name version" pair. Policy 8.6.4
// encodes both libfoo.so.1 ("libfoo 1") and libfoo-1.2.so ("libfoo 1.2"),
// so the file that exists in the sysroot decides.
func (s *Sysroot) soname(name, ver string) string {
	dotted := name + ".so." + ver
	dashed := name + "-" + ver + ".so"
	for _, dir := range []string{s.LibDir(), filepath.Join(s.Dir, "usr", "lib")} {
		if _, err := os.Lstat(filepath.Join(dir, dashed)); err == nil {
			if _, err := os.Lstat(filepath.Join(dir, dotted)); err != nil {
				return dashed
			}
		}
	}
	return dotted
}
