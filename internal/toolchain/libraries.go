package toolchain

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/artifact/linkdeps"
	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/target"
)

// Library is a shared library or DLL that a binary loads or bundles, and
// the Debian package that provides it.
type Library struct {
	// File is the library's file name (its soname for ELF).
	File string
	// SHA256 is the library file's own sha256 (hex), when it was found.
	SHA256 string
	// Package, Version and Arch are the Debian package that provides it.
	Package, Version, Arch string
	// DebSHA256 is the .deb's sha256, when the lock pins it.
	DebSHA256 string
	License   string
	DLL       bool
}

// Libraries lists the shared libraries that the cgo binary at path for t
// loads (or, for Windows, the DLLs its archive bundles), each with the
// Debian package that provides it: from the sysroot that l pins for a
// cross target (with the .deb's sha256), from this machine's dpkg
// otherwise.
func (r *Resolver) Libraries(ctx context.Context, t target.Target, path string, l *lock.Lock) ([]Library, error) {
	if t.OS == "windows" {
		dirs, err := r.DLLDirs(ctx, t)
		if err != nil {
			return nil, err
		}
		dlls, err := linkdeps.DLLClosure(path, dirs)
		if err != nil {
			return nil, err
		}
		var out []Library
		for _, d := range dlls {
			l := Library{File: filepath.Base(d), DLL: true}
			l.SHA256, _ = atomicfile.SHA256(d)
			if p, ok := linkdeps.PackageOfFile(d); ok {
				l.Package, l.Version, l.Arch = p.Name, p.Version, p.Architecture
			}
			out = append(out, l)
		}
		return out, nil
	}
	info, err := linkdeps.ELFNeeds(path)
	if err != nil {
		return nil, err
	}
	resolve, err := r.PackageOf(ctx, t)
	if err != nil {
		return nil, err
	}
	dirs, _, err := r.LibraryDirs(ctx, t)
	if err != nil {
		return nil, err
	}
	pinned := map[string]Library{}
	if sr, ok := l.SysrootFor(t.String()); ok {
		for _, p := range sr.Packages {
			pinned[p.Package] = Library{Package: p.Package, Version: p.Version, Arch: p.Architecture, DebSHA256: p.SHA256}
		}
	}
	arch, _ := target.PackageArch(t)
	var out []Library
	var ask []string
	files := map[string]string{}
	for _, soname := range info.Needed {
		l := Library{File: soname}
		for _, d := range dirs {
			p := filepath.Join(d, soname)
			if sum, err := atomicfile.SHA256(p); err == nil {
				l.SHA256, files[soname] = sum, p
				break
			}
		}
		out = append(out, l)
	}
	// This machine's libraries: their owners from one dpkg run. A cross
	// target's come from its sysroot's shlibs files (and the lock's pins).
	var owners map[string]string
	if t == target.Host() {
		var paths []string
		for _, p := range files {
			paths = append(paths, p)
		}
		owners = linkdeps.OwnersOf(paths)
	}
	for i, l := range out {
		pkg, ok := "", false
		if owners != nil {
			pkg, ok = owners[files[l.File]]
			pkg, _, _ = strings.Cut(pkg, ":")
		} else {
			pkg, _, ok = resolve(l.File)
		}
		if !ok || pkg == "" {
			continue
		}
		if p, pinnedOK := pinned[pkg]; pinnedOK {
			p.File, p.SHA256 = l.File, l.SHA256
			out[i] = p
			continue
		}
		out[i].Package = pkg
		ask = append(ask, pkg+":"+arch, pkg)
	}
	// The packages no sysroot pins are this machine's: one dpkg run
	// gives every version.
	installed := linkdeps.InstalledAll(ask)
	for i, l := range out {
		if l.Version != "" || l.Package == "" {
			continue
		}
		p, ok := installed[l.Package+":"+arch]
		if !ok {
			p, ok = installed[l.Package]
		}
		if ok {
			out[i].Package, out[i].Version, out[i].Arch = p.Name, p.Version, p.Architecture
		}
	}
	return out, nil
}
