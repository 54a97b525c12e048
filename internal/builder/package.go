package builder

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/artifact/linkdeps"
	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/target"
)

// defaultEpoch is the timestamp of every packaged file when
// SOURCE_DATE_EPOCH is not set: a constant, so that packages built from
// the same lock are the same bytes whenever they are built. It is the
// earliest time a zip file can hold.
var defaultEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// packageEpoch is SOURCE_DATE_EPOCH, or defaultEpoch.
func (s *Session) packageEpoch() (time.Time, error) {
	v := s.opts.Go.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return defaultEpoch, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", v)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// packageTarget writes the manifest's outputs for one built binary and
// returns their paths.
func (s *Session) packageTarget(ctx context.Context, a Artifact) ([]string, error) {
	out := s.opts.Spec.Outputs
	if !out.Archive && out.Deb == nil {
		return nil, nil
	}
	mtime, err := s.packageEpoch()
	if err != nil {
		return nil, err
	}
	// Packages depend only on the binary (named by its output key), the
	// outputs settings, the time and the C side: reuse them when all match.
	var key string
	if s.Lock != nil {
		deb := ""
		if out.Deb != nil {
			deb = fmt.Sprintf("%q %q %q %q %q", out.Deb.Package, out.Deb.Maintainer, out.Deb.Description, out.Deb.Homepage, out.Deb.Section)
		}
		key = outcache.Key("weld packages v1", s.outputKey(s.Lock, s.goVersion, a), fmt.Sprint(out.Archive), deb,
			s.opts.Spec.Version, mtime.String(), s.cFingerprint(ctx, s.toolchainFor(ctx, a.Target), nil))
		if paths, ok := s.packagesFromCache(ctx, key, a); ok {
			return paths, nil
		}
	}
	paths, err := s.writePackages(ctx, a, mtime)
	if err != nil {
		return nil, err
	}
	if key != "" {
		if err := s.cache.PutFiles(key, paths); err != nil {
			s.opts.Steps.Warn(fmt.Sprintf("caching packages of %s: %v", a.Target, err))
		} else {
			s.rebuilt(key, packagesWhat(a))
		}
	}
	return paths, nil
}

// writePackages makes the outputs the manifest asks for.
func (s *Session) writePackages(ctx context.Context, a Artifact, mtime time.Time) ([]string, error) {
	out := s.opts.Spec.Outputs
	var paths []string
	if out.Archive {
		p, err := s.writeArchive(ctx, a, mtime)
		if err != nil {
			return nil, fmt.Errorf("packaging %s: %w", a.Target, err)
		}
		paths = append(paths, p)
	}
	if out.Deb != nil && a.Target.OS == "linux" {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := s.writeDeb(ctx, a, mtime)
		if err != nil {
			return nil, fmt.Errorf("packaging %s as .deb: %w", a.Target, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// archiveBase is name_version_os_arch[v7], the stem of archive names.
func (s *Session) archiveBase(t gobuild.Target) string {
	sp := s.opts.Spec
	version := sp.Version
	if version == "" {
		version = "0.0.0"
	}
	arch := t.Arch
	if t.Variant != "" {
		arch += "v" + t.Variant
	}
	return fmt.Sprintf("%s_%s_%s_%s", sp.Name, version, t.OS, arch)
}

// writeArchive writes a zip for Windows, with every non-system DLL the
// executable needs beside it, and a tar.gz for other systems.
func (s *Session) writeArchive(ctx context.Context, a Artifact, mtime time.Time) (string, error) {
	files := []archive.File{{Name: filepath.Base(a.Path), Mode: 0o755, Src: a.Path}}
	var buf bytes.Buffer
	var name string
	if a.Target.OS == "windows" {
		dlls, err := s.dllBundle(ctx, a)
		if err != nil {
			return "", err
		}
		for _, d := range dlls {
			files = append(files, archive.File{Name: filepath.Base(d), Mode: 0o644, Src: d})
		}
		name = s.archiveBase(a.Target) + ".zip"
		err = archive.WriteZip(&buf, files, mtime)
		if err != nil {
			return "", err
		}
	} else {
		name = s.archiveBase(a.Target) + ".tar.gz"
		if err := archive.WriteTarGz(&buf, files, mtime); err != nil {
			return "", err
		}
	}
	path := filepath.Join(outDirOf(s.opts), name)
	return path, writeOutput(ctx, path, buf.Bytes())
}

// writeOutput writes a package into the output directory, unless the build
// was stopped while the package was being made: packing a large binary
// takes seconds, and an interrupted build must not write more outputs.
func writeOutput(ctx context.Context, path string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// dllBundle finds the DLLs a Windows executable needs beyond the system's,
// in the C toolchain's directories and the target's sysroot.
func (s *Session) dllBundle(ctx context.Context, a Artifact) ([]string, error) {
	tc := s.toolchainFor(ctx, a.Target)
	var dirs []string
	if tc.CXX != "" {
		// The C++ driver knows the runtime DLLs of the thread model that
		// linked the program, which the C driver may not.
		dirs = append(dirs, linkdeps.MingwSearchDirs(tc.CXX)...)
	}
	dirs = append(dirs, linkdeps.MingwSearchDirs(tc.CC)...)
	if d := tc.Settings.Sysroot.Dir; d != "" {
		dirs = append(dirs, filepath.Join(d, "bin"), filepath.Join(d, "lib"), d)
	}
	sr, err := s.sysrootFor(ctx, a.Target)
	if err != nil {
		return nil, err
	}
	if sr != nil {
		if root, ok := windowsSysroot(sr, a.Target); ok {
			// Debian's mingw-w64 packages put DLLs beside the import
			// libraries, in lib.
			dirs = append(dirs, filepath.Join(root, "bin"), filepath.Join(root, "lib"))
		}
	}
	return linkdeps.DLLClosure(a.Path, dirs)
}

// writeDeb writes a .deb with the binary at /usr/bin/NAME and Depends
// computed from the libraries the binary loads.
func (s *Session) writeDeb(ctx context.Context, a Artifact, mtime time.Time) (string, error) {
	sp, d := s.opts.Spec, s.opts.Spec.Outputs.Deb
	arch, err := target.PackageArch(a.Target)
	if err != nil {
		return "", err
	}
	version, err := deb.VersionFromGo(sp.Version)
	if err != nil {
		return "", err
	}
	depends, err := s.debDepends(ctx, a)
	if err != nil {
		return "", err
	}
	name := d.Package
	if name == "" {
		name = sp.Name
	}
	pkg := deb.Package{Name: name, Version: version, Architecture: arch, Maintainer: d.Maintainer,
		Description: d.Description, Homepage: d.Homepage, Section: d.Section, Depends: depends, MTime: mtime,
		Files: []archive.File{{Name: "usr/bin/" + sp.Name, Mode: 0o755, Src: a.Path}}}
	var buf bytes.Buffer
	if err := deb.Write(&buf, pkg); err != nil {
		return "", err
	}
	path := filepath.Join(outDirOf(s.opts), pkg.FileName())
	return path, writeOutput(ctx, path, buf.Bytes())
}

// debDepends maps each DT_NEEDED library to the Debian package that
// provides it: from the sysroot's shlibs files for a cross target, from
// the host's dpkg database otherwise. Libraries of the C toolchain itself
// (libc, libstdc++, libgcc), which a sysroot leaves to the toolchain, are
// looked up on the host, where the same Debian release names them.
func (s *Session) debDepends(ctx context.Context, a Artifact) ([]string, error) {
	info, err := linkdeps.ELFNeeds(a.Path)
	if err != nil {
		return nil, err
	}
	if info.Static() {
		return nil, nil
	}
	host := linkdeps.HostResolver(hostDebArch())
	resolve := linkdeps.Resolver(host)
	if a.Target != target.Host() {
		sr, err := s.sysrootFor(ctx, a.Target)
		if err != nil {
			return nil, err
		}
		var shlibs map[string]sysrootShlib
		if sr != nil {
			m, err := sr.Shlibs()
			if err != nil {
				return nil, err
			}
			shlibs = map[string]sysrootShlib{}
			for so, e := range m {
				shlibs[so] = sysrootShlib{e.Package, e.MinVersion}
			}
		}
		resolve = func(soname string) (string, string, bool) {
			if e, ok := shlibs[soname]; ok {
				return e.pkg, e.min, true
			}
			return host(soname)
		}
	}
	return linkdeps.DebDepends(info, resolve)
}

type sysrootShlib struct{ pkg, min string }

// hostDebArch is the Debian architecture of the machine weld runs on.
func hostDebArch() string {
	h := target.Host()
	if a, err := target.PackageArch(target.Target{OS: "linux", Arch: h.Arch, Variant: os.Getenv("GOARM")}); err == nil {
		return a
	}
	return h.Arch
}
