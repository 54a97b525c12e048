package toolchain

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/artifact/linkdeps"
	"github.com/weldgo/weld/internal/target"
)

// LibraryDirs returns where t's shared libraries are searched, in order,
// and the directory they go to in an image: the target's Debian sysroot
// and sysroot directory, then the C toolchain's own libraries (libc,
// libstdc++, libgcc_s: /usr/<triplet>/lib for Debian's cross compilers),
// and for the host target the host's library directories.
//
// The multiarch triplet is the one of the target's package architecture:
// the directories a system that installs the target's packages has.
func (r *Resolver) LibraryDirs(ctx context.Context, t target.Target) ([]string, string, error) {
	f, ok := t.Facts()
	if !ok || f.Triplet == "" {
		return nil, "", fmt.Errorf("no library directories known for %s", t)
	}
	triplet := f.Triplet
	var dirs []string
	tree := func(root string) {
		for _, d := range []string{"lib/" + triplet, "usr/lib/" + triplet, "lib", "usr/lib"} {
			dirs = append(dirs, filepath.Join(root, d))
		}
	}
	sr, err := r.Sysroot(ctx, t)
	if err != nil {
		return nil, "", err
	}
	if sr != nil {
		tree(sr.Dir)
	}
	tc := r.For(ctx, t)
	if d := tc.Settings.Sysroot.Dir; d != "" {
		tree(d)
	}
	if tc.Problem == "" && tc.CC != "" {
		dirs = append(dirs, r.compilerLibDirs(ctx, tc.CC)...)
	}
	if t == target.Host() {
		tree("/")
		dirs = append(dirs, "/lib64", "/usr/lib64")
	} else {
		dirs = append(dirs, filepath.Join("/usr", triplet, "lib"))
	}
	return dirs, "/usr/lib/" + triplet, nil
}

// compilerLibDirs asks the C compiler where its runtime libraries are,
// once per compiler: images and SBOMs ask for the same target.
func (r *Resolver) compilerLibDirs(ctx context.Context, cc string) []string {
	r.mu.Lock()
	dirs, ok := r.ccLibDirs[cc]
	r.mu.Unlock()
	if ok {
		return dirs
	}
	dirs = askCompilerLibDirs(ctx, cc)
	r.mu.Lock()
	if r.ccLibDirs == nil {
		r.ccLibDirs = map[string][]string{}
	}
	r.ccLibDirs[cc] = dirs
	r.mu.Unlock()
	return dirs
}

func askCompilerLibDirs(ctx context.Context, cc string) []string {
	argv := strings.Fields(cc)
	var dirs []string
	for _, lib := range []string{"libc.so.6", "libstdc++.so.6", "libgcc_s.so.1"} {
		out, err := exec.CommandContext(ctx, argv[0], append(argv[1:], "-print-file-name="+lib)...).Output()
		p := strings.TrimSpace(string(out))
		if err != nil || !filepath.IsAbs(p) {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			dirs = append(dirs, filepath.Dir(filepath.Clean(p)))
		}
	}
	return dirs
}

// DLLDirs returns where the DLLs a Windows executable for t needs beyond
// the system's are searched: the C toolchain's directories and the
// target's sysroot.
func (r *Resolver) DLLDirs(ctx context.Context, t target.Target) ([]string, error) {
	tc := r.For(ctx, t)
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
	sr, err := r.Sysroot(ctx, t)
	if err != nil {
		return nil, err
	}
	if sr != nil {
		if root, ok := windowsSysroot(sr, t); ok {
			// Debian's mingw-w64 packages put DLLs beside the import
			// libraries, in lib.
			dirs = append(dirs, filepath.Join(root, "bin"), filepath.Join(root, "lib"))
		}
	}
	return dirs, nil
}

// PackageOf returns how a shared library of t maps to the Debian package
// that provides it: from the sysroot's shlibs files for a cross target,
// from the host's dpkg database otherwise. Libraries of the C toolchain
// itself (libc, libstdc++, libgcc), which a sysroot leaves to the
// toolchain, are looked up on the host, where the same Debian release
// names them.
func (r *Resolver) PackageOf(ctx context.Context, t target.Target) (linkdeps.Resolver, error) {
	host := linkdeps.HostResolver(HostDebArch())
	if t == target.Host() {
		return host, nil
	}
	sr, err := r.Sysroot(ctx, t)
	if err != nil || sr == nil {
		return host, err
	}
	shlibs, err := sr.Shlibs()
	if err != nil {
		return nil, err
	}
	return func(soname string) (string, string, bool) {
		if e, ok := shlibs[soname]; ok {
			return e.Package, e.MinVersion, true
		}
		return host(soname)
	}, nil
}
