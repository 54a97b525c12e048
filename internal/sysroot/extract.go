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
	"strings"
	"time"

	"pault.ag/go/debian/deb"

	"github.com/weldgo/weld/internal/atomicfile"
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
// translations are a large part of some packages. Of usr/share/doc only
// each package's copyright file is kept (see keptDoc), for the licenses
// an SBOM names.
var skipped = []string{"usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale", "usr/share/lintian"}

// build extracts the debs into a temporary tree beside s.Dir and renames
// it to s.Dir. Two builds of the same sysroot may race: each extracts into
// its own temporary directory and the loser of the rename throws its copy
// away, so a reader never sees a half-written tree. The temporary tree is
// named for this process (atomicfile's rule), so the next build removes it
// if this one is killed.
func build(s *Sysroot, debs []string, log func(string)) error {
	start := time.Now()
	if err := os.MkdirAll(filepath.Dir(s.Dir), 0o755); err != nil {
		return err
	}
	tmp, err := atomicfile.MkdirTemp(filepath.Dir(s.Dir), filepath.Base(s.Dir))
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		return err
	}
	if err := newTree(tmp); err != nil {
		return err
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
	if err := sealTree(tmp); err != nil {
		return fmt.Errorf("sealing sysroot %s: %w", s.Dir, err)
	}
	log(fmt.Sprintf("sysroot: extracted %d packages into %s in %s", len(s.Packages), s.Dir, time.Since(start).Round(time.Millisecond)))
	if err := os.Rename(tmp, s.Dir); err != nil {
		if _, serr := os.Stat(filepath.Join(s.Dir, completeMarker)); serr == nil {
			return nil // a concurrent Ensure finished the same tree first
		}
		return fmt.Errorf("installing sysroot %s: %w (if it is a leftover without %s, remove it)", s.Dir, err, completeMarker)
	}
	// Sealed just now: remember the tree as verified, so that its first
	// reuse does not hash it again. (The fingerprint holds the final
	// paths, so it is taken after the rename.)
	rememberVerified(s.Dir)
	return nil
}

// newTree prepares an empty sysroot: the root links of a merged /usr.
func newTree(root string) error {
	for _, d := range usrMerged {
		if err := os.Symlink("usr/"+d, filepath.Join(root, d)); err != nil {
			return err
		}
	}
	return nil
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
		e, err := nextMember(ar)
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
			err = withTar(e, func(tr *tar.Reader) error {
				files, err := extractData(tr, root)
				if err != nil {
					return err
				}
				return writeFilesList(filepath.Join(root, ".weld", "control", name), files)
			})
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

// nextMember is ar.Next refusing a negative member size, which would move
// the reader backwards (onto the same header again for -60, for ever).
func nextMember(ar *deb.Ar) (*deb.ArEntry, error) {
	e, err := ar.Next()
	if err == nil && e.Size < 0 {
		return nil, fmt.Errorf("ar member %q claims a negative size (%d): not a Debian package", e.Name, e.Size)
	}
	return e, err
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
				if err := os.Remove(filepath.Join(dir, base)); err != nil && !os.IsNotExist(err) {
					return err
				}
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

// extractData writes a data.tar into root. A package cannot write,
// link or point outside root, however its members combine:
//   - member names are cleaned lexically below the root (clean);
//   - the directories a member goes into are resolved through the links
//     already in the tree as a chroot would (resolveInRoot), so the member
//     lands in a real directory inside root;
//   - every symlink is rewritten to a canonical relative form (linkTarget)
//     that climbs no higher than its own directory and never climbs after
//     descending, so a link stays inside root whatever the links it passes
//     through turn out to be, now or after later members;
//   - a hard link must name a regular file of the tree (a hard link to a
//     symlink would copy the link to a place where it means something else).
//
// It returns the paths of the files and links it wrote, in tar order.
func extractData(tr *tar.Reader, root string) ([]string, error) {
	var files []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		rel := clean(h.Name)
		if rel == "" || rel == "usr" || isSkipped(rel) && !keptDoc(rel, h.Typeflag) {
			continue
		}
		if err := extractMember(tr, h, root, rel); err != nil {
			return nil, fmt.Errorf("%s: %w", h.Name, err)
		}
		if h.Typeflag != tar.TypeDir {
			files = append(files, rel)
		}
	}
}

func extractMember(tr *tar.Reader, h *tar.Header, root, rel string) error {
	if h.Typeflag == tar.TypeDir {
		dir, err := resolveInRoot(root, rel)
		if err != nil {
			return err
		}
		return os.MkdirAll(filepath.Join(root, filepath.FromSlash(dir)), 0o755)
	}
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeSymlink, tar.TypeLink:
	default:
		return nil // devices, fifos: never in library packages, not needed to link
	}
	parent, err := resolveInRoot(root, path.Dir(rel))
	if err != nil {
		return err
	}
	dst := filepath.Join(root, filepath.FromSlash(parent), path.Base(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	// Packages may ship the same path (Replaces); last one wins.
	if err := os.Remove(dst); err != nil && !os.IsNotExist(err) {
		return err
	}
	switch h.Typeflag {
	case tar.TypeReg:
		// Owner-writable so the cache can be cleaned; no setuid bits.
		if err := writeFile(dst, tr, os.FileMode(h.Mode)&0o755|0o644); err != nil {
			return err
		}
		_ = os.Chtimes(dst, h.ModTime, h.ModTime)
		return nil
	case tar.TypeSymlink:
		return os.Symlink(linkTarget(parent, h.Name, h.Linkname), dst)
	default: // tar.TypeLink
		src, err := resolveInRoot(root, clean(h.Linkname))
		if err != nil {
			return err
		}
		srcPath := filepath.Join(root, filepath.FromSlash(src))
		if fi, err := os.Lstat(srcPath); err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("hard link to %s: not a regular file of the package", h.Linkname)
		}
		return os.Link(srcPath, dst)
	}
}

// maxLinks bounds the symlinks followed in resolving one path, as the
// kernel's ELOOP does.
const maxLinks = 255

// resolveInRoot follows the symlinks already in the tree along rel (a
// slash path below root) as a chroot at root would: a relative link from
// the directory it is in, an absolute one from root, and ".." never above
// root. It returns the real path, relative to root, whose existing part
// holds no symlinks. Missing components are kept as they are (they will be
// created as directories).
func resolveInRoot(root, rel string) (string, error) {
	todo := strings.Split(rel, "/")
	var done []string
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		next := filepath.Join(root, filepath.FromSlash(strings.Join(done, "/")), c)
		fi, err := os.Lstat(next)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("too many levels of symbolic links in %s", rel)
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) {
			done = done[:0]
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return strings.Join(done, "/"), nil
}

func isSkipped(rel string) bool {
	for _, s := range skipped {
		if rel == s || strings.HasPrefix(rel, s+"/") {
			return true
		}
	}
	return false
}

// linkTarget rewrites a symlink target so that it resolves inside the
// sysroot. The target is read as the package meant it: relative to the
// link's own path in the package (before /lib etc. were folded into
// /usr), or from the root when absolute (usr/lib/<triplet>/libm.so ->
// /lib/<triplet>/libm.so.6 would otherwise point into the host, possibly
// at a host library of the wrong architecture); ".." is taken lexically
// and stops at the root. The result is relative to dir, the real directory
// the link is created in, and canonical: some "../" that climb no higher
// than dir's depth, then names only. Such a link cannot leave the tree
// whatever links its names pass through, provided every link in the tree
// has that form, which extraction ensures.
func linkTarget(dir, name, target string) string {
	meant := target
	if !path.IsAbs(target) {
		orig := strings.TrimPrefix(path.Clean("/"+name), "/")
		meant = path.Join("/", path.Dir(orig), target)
	}
	rel, err := filepath.Rel("/"+dir, "/"+clean(meant))
	if err != nil { // cannot happen: both paths are absolute
		return "."
	}
	return filepath.ToSlash(rel)
}

func writeFile(name string, r io.Reader, mode os.FileMode) error {
	// O_EXCL: the caller removed name, so it is a fresh file, never one
	// reached through a symlink.
	fh, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(fh, r); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}
