package toolchain

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/artifact/linkdeps"
	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/sysroot"
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
	// DebSHA256 is the .deb's sha256, for a package of the target's
	// sysroot.
	DebSHA256 string
	// License is the package's license, from its Debian copyright file.
	License string
	DLL     bool
	// Path is where the file was found, and Copyright the package's
	// copyright file; neither goes into an SBOM or the lock.
	Path, Copyright string
}

// Pin is the library as weld.lock pins it for a target.
func (l Library) Pin(t target.Target) lock.Library {
	return lock.Library{Target: t.String(), File: l.File, SHA256: l.SHA256, Package: l.Package, Version: l.Version, Arch: l.Arch}
}

// Libraries lists the shared libraries that the cgo binary at path for t
// loads (or, for Windows, the DLLs its archive bundles), each with the
// file's sha256, the Debian package that provides it and that package's
// license: a file of the target's sysroot from the sysroot's packages
// (with the .deb's sha256), any other file (the host's libraries, a cross
// toolchain's runtime under /usr/<triplet>, mingw's DLLs) from this
// machine's dpkg.
func (r *Resolver) Libraries(ctx context.Context, t target.Target, path string) ([]Library, error) {
	sr, err := r.Sysroot(ctx, t)
	if err != nil {
		return nil, err
	}
	var out []Library
	if t.OS == "windows" {
		dirs, err := r.DLLDirs(ctx, t)
		if err != nil {
			return nil, err
		}
		dlls, err := linkdeps.DLLClosure(path, dirs)
		if err != nil {
			return nil, err
		}
		for _, d := range dlls {
			out = append(out, Library{File: filepath.Base(d), Path: d, DLL: true})
		}
	} else {
		info, err := linkdeps.ELFNeeds(path)
		if err != nil {
			return nil, err
		}
		dirs, _, err := r.LibraryDirs(ctx, t)
		if err != nil {
			return nil, err
		}
		for _, soname := range info.Needed {
			l := Library{File: soname}
			for _, d := range dirs {
				if p := filepath.Join(d, soname); fileExists(p) {
					l.Path = p
					break
				}
			}
			out = append(out, l)
		}
	}
	for i := range out {
		if out[i].Path != "" {
			out[i].SHA256, _ = atomicfile.SHA256(out[i].Path)
		}
	}
	r.packagesOf(out, sr)
	if t.OS != "windows" {
		// A library no file was found for: its package from the
		// sysroot's shlibs files, or the host's.
		resolve, err := r.PackageOf(ctx, t)
		if err != nil {
			return nil, err
		}
		var ask []string
		arch, _ := target.PackageArch(t)
		for i, l := range out {
			if l.Package == "" && l.Path == "" {
				if pkg, _, ok := resolve(l.File); ok {
					out[i].Package = pkg
					ask = append(ask, pkg+":"+arch, pkg)
				}
			}
		}
		installed := linkdeps.InstalledAll(ask)
		for i, l := range out {
			if l.Package != "" && l.Version == "" {
				if p, ok := installed[l.Package+":"+arch]; ok {
					out[i].Version, out[i].Arch = p.Version, p.Architecture
				} else if p, ok := installed[l.Package]; ok {
					out[i].Version, out[i].Arch = p.Version, p.Architecture
				}
			}
		}
	}
	for i, l := range out {
		if l.Copyright == "" && l.Package != "" {
			out[i].Copyright = filepath.Join("/usr/share/doc", l.Package, "copyright")
		}
		if out[i].Copyright != "" {
			out[i].License = r.license(out[i].Copyright)
		}
	}
	return out, nil
}

// packagesOf finds the package of every library file: the sysroot's
// package for a file in it, else this machine's, with one dpkg -S and one
// dpkg-query run for all of them.
func (r *Resolver) packagesOf(libs []Library, sr *sysroot.Sysroot) {
	var hostPaths []string
	for i, l := range libs {
		if l.Path == "" {
			continue
		}
		if sr != nil {
			if p, ok := sr.Owner(l.Path); ok {
				libs[i].Package, libs[i].Version, libs[i].Arch, libs[i].DebSHA256 = p.Package, p.Version, p.Architecture, p.SHA256
				libs[i].Copyright = sr.CopyrightFile(p.Package)
				continue
			}
		}
		hostPaths = append(hostPaths, l.Path)
	}
	owners := linkdeps.OwnersOf(hostPaths)
	var ask []string
	for _, o := range owners {
		ask = append(ask, o)
	}
	installed := linkdeps.InstalledAll(ask)
	for i, l := range libs {
		owner, ok := owners[l.Path]
		if !ok || libs[i].Package != "" {
			continue
		}
		if p, ok := installed[owner]; ok {
			libs[i].Package, libs[i].Version, libs[i].Arch = p.Name, p.Version, p.Architecture
		} else {
			libs[i].Package, _, _ = strings.Cut(owner, ":")
		}
	}
}
