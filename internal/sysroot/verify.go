package sysroot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/modverify"
)

// treeDigestFile holds the digest of an extracted tree, written when the
// tree is complete; the tree is checked against it whenever it is reused.
const treeDigestFile = ".weld/tree-sha256"

// digestTree digests every entry of the tree at dir but its digest file:
// each path, its type and permissions, a file's sha256 and a symlink's
// target. Symlinks are not followed.
func digestTree(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel == filepath.FromSlash(treeDigestFile) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%d %s %d ", len(rel), rel, fi.Mode())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s", strconv.Quote(target))
		case fi.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			fh := sha256.New()
			_, err = io.Copy(fh, f)
			f.Close()
			if err != nil {
				return err
			}
			h.Write(fh.Sum(nil))
		}
		h.Write([]byte{'\n'})
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sealTree records the digest of a complete tree.
func sealTree(dir string) error {
	sum, err := digestTree(dir)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, treeDigestFile), []byte(sum+"\n"), 0o644)
}

// verifiedFile remembers the fingerprint (paths, sizes, times, inodes) of
// a tree last found intact, beside the tree, so that an unchanged tree is
// not hashed again.
func verifiedFile(dir string) string { return dir + ".verified" }

// errTreeChanged says a cached sysroot no longer holds what was
// extracted into it.
var errTreeChanged = errors.New("its files changed after extraction")

// verifyTree checks a cached sysroot against the digest written when it
// was extracted: at once when its fingerprint is the one last verified,
// by hashing it otherwise.
func verifyTree(dir string) error {
	fp, err := modverify.Fingerprint(dir)
	if err != nil {
		return err
	}
	if seen, err := os.ReadFile(verifiedFile(dir)); err == nil && string(seen) == fp {
		return nil
	}
	want, err := os.ReadFile(filepath.Join(dir, treeDigestFile))
	if err != nil {
		return fmt.Errorf("it has no digest (%s): an older weld extracted it", treeDigestFile)
	}
	got, err := digestTree(dir)
	if err != nil {
		return err
	}
	if got+"\n" != string(want) {
		return errTreeChanged
	}
	remember(dir, fp)
	return nil
}

// rememberVerified records the current fingerprint of a tree known to
// match its digest.
func rememberVerified(dir string) {
	if fp, err := modverify.Fingerprint(dir); err == nil {
		remember(dir, fp)
	}
}

// remember records fp as the fingerprint of the verified tree at dir.
// Failing to remember only costs a hash next time.
func remember(dir, fp string) {
	_ = atomicfile.WriteFile(verifiedFile(dir), []byte(fp), 0o644)
}

// removeTree takes a changed tree out of the way: renamed aside first, so
// that a concurrent build never sees it half removed. The aside directory
// is a temporary one of this process, which the next build removes should
// this one be killed before it has.
func removeTree(dir string) error {
	os.Remove(verifiedFile(dir))
	aside, err := atomicfile.MkdirTemp(filepath.Dir(dir), filepath.Base(dir))
	if err != nil {
		return err
	}
	defer os.RemoveAll(aside)
	if err := os.Rename(dir, filepath.Join(aside, "tree")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
