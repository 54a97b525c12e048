package sysroot

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"pault.ag/go/debian/deb"
)

// completeMarker exists in a sysroot only once it is fully extracted; it is
// written before the tree is renamed into place, so its presence at the
// final path means the tree is whole.
const completeMarker = ".weld/packages.json"

// usrMerged are the top-level directories Debian (since bookworm) keeps
// under /usr, with a symlink at the root. Packages still ship some files
// under /lib etc.; folding them into usr/ gives one library directory for
// -L and makes links like usr/lib/<triplet>/libz.so -> /lib/<triplet>/...
// resolve.
var usrMerged = []string{"bin", "sbin", "lib", "lib32", "lib64", "libx32"}

// skipped are trees a link-time sysroot never needs; documentation and
// translations are a large part of some packages.
var skipped = []string{"usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale", "usr/share/lintian"}

// build extracts the debs into a temporary tree and renames it to s.Dir.
// Two builds of the same sysroot may race: each extracts into its own
// temporary directory and the loser of the rename throws its copy away,
// so a reader never sees a half-written tree.
func build(s *Sysroot, debs []string, tmpRoot string, log func(string)) error {
	start := time.Now()
	if err := os.MkdirAll(tmpRoot, 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.Dir), 0o755); err != nil {
		return err
	}
	removeStale(tmpRoot)
	tmp, err := os.MkdirTemp(tmpRoot, filepath.Base(s.Dir)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		return err
	}
	for _, d := range usrMerged {
		if err := os.Symlink("usr/"+d, filepath.Join(tmp, d)); err != nil {
			return err
		}
	}
	for i, p := range s.Packages {
		if err := extractDeb(debs[i], tmp, p.Package); err != nil {
			return fmt.Errorf("extracting package %s %s (%s): %w", p.Package, p.Version, p.Filename, err)
		}
	}
	for _, d := range usrMerged {
		// Keep only the root links that lead somewhere, as on Debian.
		if _, err := os.Stat(filepath.Join(tmp, "usr", d)); err != nil {
			os.Remove(filepath.Join(tmp, d))
		}
	}
	data, err := json.MarshalIndent(s.Packages, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(tmp, ".weld"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, completeMarker), data, 0o644); err != nil {
		return err
	}
	log(fmt.Sprintf("sysroot: extracted %d packages into %s in %s", len(s.Packages), s.Dir, time.Since(start).Round(time.Millisecond)))
	if err := os.Rename(tmp, s.Dir); err != nil {
		if _, serr := os.Stat(filepath.Join(s.Dir, completeMarker)); serr == nil {
			return nil // a concurrent Ensure finished the same tree first
		}
		return fmt.Errorf("installing sysroot %s: %w (if it is a leftover without %s, remove it)", s.Dir, err, completeMarker)
	}
	return nil
}

// tmpTree is the name build gives a temporary tree: the sysroot's
// directory name (ARCH-KEY) and MkdirTemp's random digits.
var tmpTree = regexp.MustCompile(`^[a-z0-9]+-[0-9a-f]{24}-[0-9]+$`)

// removeStale deletes temporary trees of builds that died (a killed weld
// leaves its half-extracted tree behind). A day is far longer than any
// extraction, so a live build's tree is never touched; nor is anything
// that build did not name, should $WELD_CACHE point at a directory with
// other files in it.
func removeStale(tmpRoot string) {
	entries, _ := os.ReadDir(tmpRoot)
	for _, e := range entries {
		if !e.IsDir() || !tmpTree.MatchString(e.Name()) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
			os.RemoveAll(filepath.Join(tmpRoot, e.Name()))
		}
	}
}

// extractDeb writes a package's data.tar into root and its control files
// (control, shlibs, symbols) into root/.weld/control/<name>/.
func extractDeb(debPath, root, name string) error {
	fh, err := os.Open(debPath)
	if err != nil {
		return err
	}
	defer fh.Close()
	ar, err := deb.LoadAr(fh)
	if err != nil {
		return err
	}
	var sawData bool
	for {
		e, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(e.Name, "control.tar"):
			err = withTar(e, func(tr *tar.Reader) error { return extractControl(tr, filepath.Join(root, ".weld", "control", name)) })
		case strings.HasPrefix(e.Name, "data.tar"):
			sawData = true
			err = withTar(e, func(tr *tar.Reader) error { return extractData(tr, root) })
		}
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
	}
	if !sawData {
		return errors.New("no data.tar member: not a Debian package")
	}
	return nil
}

func withTar(e *deb.ArEntry, fn func(*tar.Reader) error) error {
	tr, closer, err := e.Tarfile()
	if err != nil {
		return err
	}
	defer closer.Close()
	return fn(tr)
}

func extractControl(tr *tar.Reader, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch base := path.Base(h.Name); base {
		case "control", "shlibs", "symbols", "triggers":
			if h.Typeflag == tar.TypeReg {
				if err := writeFile(filepath.Join(dir, base), tr, 0o644); err != nil {
					return err
				}
			}
		}
	}
}

// clean turns a tar member name into a slash path relative to the root,
// folded into /usr, or "" for the root itself. Lexical cleaning of a path
// rooted at "/" cannot climb above it, so ../ tricks stay inside.
func clean(name string) string {
	p := strings.TrimPrefix(path.Clean("/"+name), "/")
	for _, d := range usrMerged {
		if p == d || strings.HasPrefix(p, d+"/") {
			return "usr/" + p
		}
	}
	return p
}

func extractData(tr *tar.Reader, root string) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rel := clean(h.Name)
		if rel == "" || rel == "usr" || isSkipped(rel) {
			continue
		}
		dst := filepath.Join(root, filepath.FromSlash(rel))
		if h.Typeflag != tar.TypeDir {
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			// Packages may ship the same path (Replaces); last one wins.
			if err := os.Remove(dst); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			// Owner-writable so the cache can be cleaned; no setuid bits.
			if err := writeFile(dst, tr, os.FileMode(h.Mode)&0o755|0o644); err != nil {
				return err
			}
			_ = os.Chtimes(dst, h.ModTime, h.ModTime)
		case tar.TypeSymlink:
			if err := os.Symlink(linkTarget(h.Name, h.Linkname), dst); err != nil {
				return err
			}
		case tar.TypeLink:
			src := filepath.Join(root, filepath.FromSlash(clean(h.Linkname)))
			if err := os.Link(src, dst); err != nil {
				return fmt.Errorf("hard link %s -> %s: %w", h.Name, h.Linkname, err)
			}
		}
		// Devices, fifos: never in library packages, not needed to link.
	}
}

func isSkipped(rel string) bool {
	for _, s := range skipped {
		if rel == s || strings.HasPrefix(rel, s+"/") {
			return true
		}
	}
	return false
}

// linkTarget rewrites a symlink so it resolves inside the sysroot.
// Absolute targets (usr/lib/<triplet>/libm.so -> /lib/<triplet>/libm.so.6)
// would point into the host system, possibly at a host library of the
// wrong architecture; they become relative. A relative link is kept as is
// unless the link itself moved (/lib -> /usr/lib) or it climbs out of the
// root; then it is recomputed from where it was meant to point.
func linkTarget(name, target string) string {
	orig := strings.TrimPrefix(path.Clean("/"+name), "/")
	moved := clean(name) != orig
	abs := target
	if !path.IsAbs(target) {
		joined := path.Join(path.Dir(orig), target)
		escapes := strings.HasPrefix(joined, "../") || joined == ".."
		if !moved && !escapes {
			return target
		}
		abs = "/" + joined
	}
	to := clean(abs)
	from := path.Dir(clean(name))
	rel, err := filepath.Rel(filepath.FromSlash("/"+from), filepath.FromSlash("/"+to))
	if err != nil {
		return target
	}
	return filepath.ToSlash(rel)
}

func writeFile(name string, r io.Reader, mode os.FileMode) error {
	fh, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(fh, r); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}
