// Package sysroot assembles a C sysroot for a cross target from Debian's own
// archive: it verifies the suite's signed Release file, resolves the
// requested -dev packages against the target architecture's Packages index,
// downloads the .deb files, checks every one against its sha256 and
// extracts them into a private tree under weld's cache.
//
// Nothing is installed system-wide and dpkg is never involved: multiarch
// (dpkg --add-architecture) is both a root-only change to the machine and
// fragile (one mirror-sync hiccup in a single foreign index makes apt drop
// a whole source and leaves the machine with skewed versions). A private
// tree keyed by the exact packages it holds is reproducible from weld.lock
// and can be shared by concurrent builds.
//
// The C library itself is NOT taken from the archive: the cross toolchain
// (gcc-aarch64-linux-gnu and friends) ships its own libc in /usr/<triplet>
// and links against it by default. See toolchainProvided.
package sysroot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/target"
)

// Request says which sysroot to assemble.
type Request struct {
	Archive    string   // e.g. "http://deb.debian.org/debian"
	Suite      string   // e.g. "bookworm"
	Components []string // e.g. ["main"]
	Arch       string   // Debian architecture: "arm64", "armhf", "amd64"
	Packages   []string // what the manifest names, e.g. ["libcairo2-dev"]
	// Pins, from weld.lock, are fetched exactly instead of resolving
	// Packages; their sha256 is the trust anchor, so no index is read.
	Pins []deb.Pin
	// Keyring verifies InRelease; DefaultKeyring when empty. Binary or
	// ASCII-armored OpenPGP public keys.
	Keyring string
	// CacheDir is weld's download directory (outcache.DownloadDir);
	// downloads and sysroots live under CacheDir/sysroot,
	// content-addressed.
	CacheDir string
	Log      func(string) // progress lines, may be nil
	// Meter, when set, shows the bytes and rate of the packages being
	// downloaded (on a terminal); it may return nil.
	Meter func(detail string) ByteMeter
	// Warn reports a cached sysroot that had changed and was extracted
	// again; may be nil.
	Warn func(string)
}

// DefaultKeyring is where Debian's debian-archive-keyring package puts the
// archive keys.
const DefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// Sysroot is an extracted tree of target packages.
type Sysroot struct {
	Dir      string    // root of the tree: usr/include, usr/lib/<triplet>, ...
	Triplet  string    // aarch64-linux-gnu, arm-linux-gnueabihf, ...
	Arch     string    // Debian architecture
	Packages []deb.Pin // sorted by name; goes into weld.lock
}

// Ensure returns the sysroot for r, assembling it if it is not cached yet.
func Ensure(ctx context.Context, r Request) (*Sysroot, error) {
	t, ok := target.ByDebianArch(r.Arch)
	if !ok {
		return nil, fmt.Errorf("fetching Debian sysroot: unsupported Debian architecture %q", r.Arch)
	}
	s, err := ensure(ctx, r, t)
	if err != nil {
		return nil, fmt.Errorf("fetching Debian sysroot for %s: %w", t.Target, err)
	}
	return s, nil
}

func ensure(ctx context.Context, r Request, t target.Facts) (*Sysroot, error) {
	if r.Archive == "" {
		r.Archive, r.Suite, r.Components = DefaultSource()
	}
	if r.Suite == "" || len(r.Components) == 0 {
		_, suite, comps := DefaultSource()
		if r.Suite == "" {
			r.Suite = suite
		}
		if len(r.Components) == 0 {
			r.Components = comps
		}
	}
	if r.Keyring == "" {
		r.Keyring = DefaultKeyring
	}
	if r.Log == nil {
		r.Log = func(string) {}
	}
	cache, err := cacheRoot(r.CacheDir)
	if err != nil {
		return nil, err
	}
	f := newFetcher(r.Archive, cache, r.Log)

	pins := append([]deb.Pin(nil), r.Pins...)
	if len(pins) == 0 {
		if len(r.Packages) == 0 {
			return nil, fmt.Errorf("no packages requested")
		}
		idx, err := loadIndex(ctx, f, r)
		if err != nil {
			return nil, err
		}
		sel, err := resolve(idx, r.Arch, r.Packages, r.Log)
		if err != nil {
			return nil, err
		}
		for _, p := range sel {
			pins = append(pins, p.pin())
		}
	}
	sortPins(pins)
	for _, p := range pins {
		if err := checkPin(p); err != nil {
			return nil, err
		}
		if p.Architecture != r.Arch && p.Architecture != "all" {
			return nil, fmt.Errorf("package %s is pinned for architecture %q, not %s: run `weld update`", p.Package, p.Architecture, r.Arch)
		}
	}
	s := &Sysroot{Triplet: t.Triplet, Arch: r.Arch, Packages: pins}
	s.Dir = filepath.Join(cache, "roots", r.Arch+"-"+pinsKey(r.Arch, pins)[:24])
	// Builds killed while extracting or removing a sysroot, of these pins
	// or others, left temporary trees beside the sysroots.
	atomicfile.CleanStaleIn(filepath.Dir(s.Dir))
	if _, err := os.Stat(filepath.Join(s.Dir, completeMarker)); err == nil {
		err := verifyTree(s.Dir)
		if err == nil {
			// Its last use, for weld cache prune (least recently used
			// first, and never one used within the hour).
			now := time.Now()
			os.Chtimes(filepath.Join(s.Dir, completeMarker), now, now)
			r.Log(fmt.Sprintf("sysroot: %s sysroot of %d packages is cached: %s", r.Arch, len(pins), s.Dir))
			return s, nil
		}
		// The .debs are kept and checked by their sha256, so a changed
		// tree is extracted again rather than trusted or refused.
		if r.Warn != nil {
			r.Warn(fmt.Sprintf("sysroot %s: %v; extracting it again", s.Dir, err))
		}
		if err := removeTree(s.Dir); err != nil {
			return nil, fmt.Errorf("removing the changed sysroot %s: %w", s.Dir, err)
		}
	}
	if r.Meter != nil {
		f.meter = r.Meter(fmt.Sprintf("%s sysroot, %d packages", r.Arch, len(pins)))
	}
	debs, err := f.fetchDebs(ctx, pins, len(r.Pins) > 0)
	if f.meter != nil {
		f.meter.Done()
		f.meter = nil
	}
	if err != nil {
		return nil, err
	}
	if err := build(s, debs, r.Log); err != nil {
		return nil, err
	}
	return s, nil
}

// cacheRoot is where this package keeps its files inside weld's cache.
// The directory is the caller's (outcache.DownloadDir for weld): this
// package has no rule of its own for where weld's cache is.
func cacheRoot(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("no cache directory for downloads given")
	}
	return filepath.Abs(filepath.Join(dir, "sysroot"))
}

// check rejects pins that could lead outside the archive or the sysroot:
// names become directory names and filenames URL paths, and weld.lock is
// a file anyone can edit.
func checkPin(p deb.Pin) error {
	switch {
	case !deb.ValidName(p.Package):
		return fmt.Errorf("invalid package name %q", p.Package)
	case p.Filename == "" || strings.HasPrefix(p.Filename, "/") || strings.Contains(p.Filename, "..") ||
		strings.Contains(p.Filename, "://") || !strings.HasSuffix(p.Filename, ".deb"):
		return fmt.Errorf("package %s: invalid filename %q", p.Package, p.Filename)
	case !validSHA256(p.SHA256):
		return fmt.Errorf("package %s: invalid sha256 %q", p.Package, p.SHA256)
	}
	return nil
}

// validSHA256 reports whether s is a hex sha256 (either case). A sum
// becomes a file name in the cache, so anything else must be refused.
func validSHA256(s string) bool {
	return len(s) == 64 && strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

func sortPins(p []deb.Pin) {
	sort.Slice(p, func(i, j int) bool {
		if p[i].Package != p[j].Package {
			return p[i].Package < p[j].Package
		}
		return p[i].Architecture < p[j].Architecture
	})
}

// pinsKey names a sysroot by exactly what is in it, so identical pins share
// one tree and any difference gets a new one. The layout version changes
// when extraction itself changes (v2: copyright files and per-package
// file lists are kept).
func pinsKey(arch string, pins []deb.Pin) string {
	h := sha256.New()
	fmt.Fprintf(h, "weld-sysroot-v2\n%s\n", arch)
	for _, p := range pins {
		fmt.Fprintf(h, "%s %s %s %s %s\n", p.Package, p.Version, p.Architecture, p.Filename, p.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// LibDir is the directory holding the target's shared libraries.
func (s *Sysroot) LibDir() string { return filepath.Join(s.Dir, "usr", "lib", s.Triplet) }

// CC is the Debian cross compiler for the sysroot's target.
func (s *Sysroot) CC() string { return s.Triplet + "-gcc" }

// PkgConfigEnv makes the host's pkg-config answer for the sysroot only:
// LIBDIR replaces the host's search path (PKG_CONFIG_PATH is emptied so a
// user's host path cannot leak in) and SYSROOT_DIR prefixes the -I/-L paths
// the .pc files name.
func (s *Sysroot) PkgConfigEnv() []string {
	dirs := []string{
		filepath.Join(s.LibDir(), "pkgconfig"),
		filepath.Join(s.Dir, "usr", "share", "pkgconfig"),
		filepath.Join(s.Dir, "usr", "lib", "pkgconfig"),
	}
	return []string{
		"PKG_CONFIG_SYSROOT_DIR=" + s.Dir,
		"PKG_CONFIG_LIBDIR=" + strings.Join(dirs, string(os.PathListSeparator)),
		"PKG_CONFIG_PATH=",
	}
}

// CgoEnv returns the cgo flags that make CC=<triplet>-gcc compile and link
// against the sysroot while keeping the toolchain's own libc:
//
//   - CGO_CPPFLAGS adds usr/include (and its triplet subdirectory): pkg-config
//     drops -I/usr/include from .pc output as a "system" directory, so
//     headers such as zlib.h would otherwise not be found. CPPFLAGS rather
//     than CFLAGS so that Go's default CGO_CFLAGS (-O2 -g) stays in effect.
//   - CGO_LDFLAGS adds -L for the library directory and -rpath-link, which ld
//     needs to find the DT_NEEDED libraries of those libraries (libcairo.so
//     needs libpixman, libpng, ...) when checking for undefined symbols.
//
// There is deliberately no --sysroot: it would hide the cross toolchain's
// libc, which this sysroot does not contain. Callers that have CGO_CPPFLAGS
// or CGO_LDFLAGS of their own (a manifest's cgo_ldflags) must merge, not
// add a second variable: use CgoFlags and join with a space.
func (s *Sysroot) CgoEnv() []string {
	cpp, ld := s.CgoFlags()
	return []string{"CGO_CPPFLAGS=" + cpp, "CGO_LDFLAGS=" + ld}
}

// CgoFlags returns the values of CgoEnv's CGO_CPPFLAGS and CGO_LDFLAGS.
func (s *Sysroot) CgoFlags() (cppflags, ldflags string) {
	lib := s.LibDir()
	inc := filepath.Join(s.Dir, "usr", "include")
	return "-I" + inc + " -I" + filepath.Join(inc, s.Triplet), "-L" + lib + " -Wl,-rpath-link," + lib
}

// QemuArgs returns the qemu-user arguments (before the program) that run a
// binary linked against the sysroot:
//
//	timeout -s KILL 60 qemu-aarch64 <QemuArgs...> ./prog
//
// -L points at the cross toolchain's libc tree (/usr/<triplet>), so the
// dynamic loader and libc come from one consistent build. The sysroot's
// libraries are added with LD_LIBRARY_PATH, which starts with /lib: under
// -L that is /usr/<triplet>/lib, and listing it first keeps ld.so from
// taking libc.so.6 from the host's /etc/ld.so.cache, which on a machine
// with multiarch libc6:<arch> installed points at a different libc build
// and makes qemu hang at 100% CPU. Run qemu under `timeout -s KILL`
// regardless: a hung guest ignores SIGTERM.
func (s *Sysroot) QemuArgs() []string {
	return []string{
		"-L", "/usr/" + s.Triplet,
		"-E", "LD_LIBRARY_PATH=/lib:" + s.LibDir(),
	}
}

// Qemu is the qemu-user program for the sysroot's architecture.
func (s *Sysroot) Qemu() string {
	t, _ := target.ByDebianArch(s.Arch)
	return t.Qemu
}
