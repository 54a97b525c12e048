package lock

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
)

// Library pins one shared library or DLL that ends up in or next to an
// artifact of a target (format 4): the file's own sha256 and the Debian
// package that provides it, from the host's dpkg or the target's sysroot.
//
//	lib linux/amd64 libcairo.so.2 <sha256> libcairo2 1.16.0-7 amd64
//
// A library no package provides has "-" for package, version and arch;
// one whose file was not found (only its package is known) has "-" for
// the sha256.
type Library struct {
	Target string
	// File is the library's file name: its soname for ELF, the DLL's
	// name for Windows.
	File   string
	SHA256 string
	// Package, Version and Arch are "" when no package provides the file.
	Package, Version, Arch string
	// Line is where Parse read the pin in the file, for errors; 0 for a
	// pin not read from a file.
	Line int
}

// Same says two pins pin the same thing, wherever they were read.
func (a Library) Same(b Library) bool {
	a.Line, b.Line = 0, 0
	return a == b
}

// LibrariesFor returns the library pins of a target, sorted by file.
func (l *Lock) LibrariesFor(target string) []Library {
	var out []Library
	for _, lib := range l.Libraries {
		if lib.Target == target {
			out = append(out, lib)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}

// WithLibraries returns a copy of l whose pins for target are libs.
func (l *Lock) WithLibraries(target string, libs []Library) *Lock {
	cp := *l
	cp.Libraries = nil
	for _, lib := range l.Libraries {
		if lib.Target != target {
			cp.Libraries = append(cp.Libraries, lib)
		}
	}
	for _, lib := range libs {
		lib.Target, lib.Line = target, 0
		cp.Libraries = append(cp.Libraries, lib)
	}
	return &cp
}

// KeyFormat is the lock as cache keys see it: Format without the library
// pins. The pins record what a build found after linking; they do not
// change what is built, so writing them must not make the next build miss
// the cache.
func (l *Lock) KeyFormat() []byte {
	cp := *l
	cp.Libraries = nil
	return cp.Format()
}

func formatLibraries(b *bytes.Buffer, libs []Library) {
	libs = append([]Library(nil), libs...)
	sort.Slice(libs, func(i, j int) bool {
		if libs[i].Target != libs[j].Target {
			return libs[i].Target < libs[j].Target
		}
		return libs[i].File < libs[j].File
	})
	for _, lib := range libs {
		fmt.Fprintf(b, "lib %s %s %s %s %s %s\n", lib.Target, escape(lib.File), orDash(lib.SHA256),
			orDash(lib.Package), orDash(lib.Version), orDash(lib.Arch))
	}
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

func parseLibrary(f []string) (Library, error) {
	if len(f) != 7 {
		return Library{}, fmt.Errorf("malformed lib line")
	}
	file, err := unescape(f[2])
	if err != nil {
		return Library{}, err
	}
	if f[3] != "-" && !sha256Hex.MatchString(f[3]) {
		return Library{}, fmt.Errorf("lib line's sha256 is not 64 lowercase hex digits or -")
	}
	return Library{Target: f[1], File: file, SHA256: fromDash(f[3]), Package: fromDash(f[4]), Version: fromDash(f[5]), Arch: fromDash(f[6])}, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func fromDash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}
