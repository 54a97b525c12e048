package oci

import (
	"debug/elf"
	"errors"
	"fmt"
	"github.com/weldgo/weld/internal/artifact/linkdeps"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Closure returns the shared libraries a dynamically linked ELF binary
// needs at run time, transitively, and its dynamic loader: every DT_NEEDED
// soname of the binary, then every DT_NEEDED of each library found, looked
// up in dirs in order, like the dynamic linker does with a search path. A
// file of another machine (an x86-64 library in a directory searched for
// an arm64 binary) is passed over. Symlinks are followed: the image gets
// the library's contents under its soname.
//
// Each library goes into libDir in the image (the target's multiarch
// directory, such as /usr/lib/aarch64-linux-gnu, which Debian's loader
// searches without an ld.so.cache); the loader goes exactly where the
// binary's PT_INTERP says. A static binary needs nothing: Closure returns
// no files. The result is in discovery order, which depends only on the
// files, and every File has its Reason.
func Closure(binary string, dirs []string, libDir string) ([]File, error) {
	info, err := linkdeps.ELFLinks(binary)
	if err != nil {
		return nil, err
	}
	if info.Interp == "" && len(info.Needed) == 0 {
		return nil, nil // static
	}
	c := closure{machine: info.Machine, dirs: dirs, libDir: libDir, seen: map[string]bool{}}
	if info.Interp != "" {
		src, err := c.find(path.Base(info.Interp))
		if err != nil && errors.Is(err, fs.ErrNotExist) {
			// The loader is not in a library directory: try the
			// interpreter path itself under each directory's root.
			src, err = c.findInterp(info.Interp)
		}
		if err != nil {
			return nil, fmt.Errorf("dynamic loader %s of %s: %w", info.Interp, filepath.Base(binary), err)
		}
		c.interp = path.Base(info.Interp)
		c.seen[c.interp] = true
		c.files = append(c.files, File{Path: info.Interp, Src: src, Mode: 0o755,
			Reason: "dynamic loader (PT_INTERP of " + filepath.Base(binary) + ")"})
	}
	if err := c.walk(filepath.Base(binary), info.Needed); err != nil {
		return nil, err
	}
	return c.files, nil
}

type closure struct {
	machine elf.Machine
	dirs    []string
	libDir  string
	interp  string
	seen    map[string]bool
	files   []File
}

// walk adds the libraries that one object needs, breadth first.
func (c *closure) walk(by string, needed []string) error {
	type pending struct{ by, soname string }
	queue := make([]pending, 0, len(needed))
	for _, n := range needed {
		queue = append(queue, pending{by, n})
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if c.seen[p.soname] {
			continue
		}
		c.seen[p.soname] = true
		if strings.Contains(p.soname, "/") {
			return fmt.Errorf("%s needs %s by path; only sonames are supported", p.by, p.soname)
		}
		src, err := c.find(p.soname)
		if err != nil {
			return fmt.Errorf("%s, needed by %s: %w", p.soname, p.by, err)
		}
		c.files = append(c.files, File{Path: path.Join(c.libDir, p.soname), Src: src, Mode: 0o644,
			Reason: "needed by " + p.by})
		info, err := linkdeps.ELFLinks(src)
		if err != nil {
			return fmt.Errorf("%s, needed by %s: %w", p.soname, p.by, err)
		}
		for _, n := range info.Needed {
			if !c.seen[n] {
				queue = append(queue, pending{p.soname, n})
			}
		}
	}
	return nil
}

// find returns the resolved path of the first file named soname in the
// search directories that is an ELF object for the binary's machine.
func (c *closure) find(soname string) (string, error) {
	var skipped []string
	for _, d := range c.dirs {
		src, ok, why := c.candidate(filepath.Join(d, soname))
		if ok {
			return src, nil
		}
		if why != "" {
			skipped = append(skipped, why)
		}
	}
	msg := "not found in " + strings.Join(c.dirs, ", ")
	if len(skipped) > 0 {
		msg += " (passed over: " + strings.Join(skipped, "; ") + ")"
	}
	return "", fmt.Errorf("%s: %w", msg, fs.ErrNotExist)
}

// findInterp looks for the loader at its absolute path, relative to the
// root each search directory belongs to (the directory above lib, usr/lib,
// lib/<triplet> or usr/lib/<triplet>).
func (c *closure) findInterp(interp string) (string, error) {
	for _, d := range c.dirs {
		if src, ok, _ := c.candidate(filepath.Join(rootOf(d), filepath.FromSlash(interp))); ok {
			return src, nil
		}
	}
	return "", fmt.Errorf("not found in %s: %w", strings.Join(c.dirs, ", "), fs.ErrNotExist)
}

// candidate resolves p and checks that it is an ELF file for the machine;
// why says why an existing file was passed over.
func (c *closure) candidate(p string) (src string, ok bool, why string) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", false, ""
	}
	st, err := os.Stat(real)
	if err != nil || !st.Mode().IsRegular() {
		return "", false, ""
	}
	f, err := elf.Open(real)
	if err != nil {
		return "", false, p + " is not ELF"
	}
	defer f.Close()
	if f.Machine != c.machine {
		return "", false, fmt.Sprintf("%s is %s, not %s", p, f.Machine, c.machine)
	}
	return real, true, ""
}

// rootOf strips the library directory suffixes from dir.
func rootOf(dir string) string {
	dir = filepath.Clean(dir)
	base := filepath.Base(dir)
	if strings.Count(base, "-") >= 2 { // a multiarch triplet
		dir = filepath.Dir(dir)
	}
	for _, suffix := range []string{"lib64", "lib32", "lib"} {
		if filepath.Base(dir) == suffix {
			dir = filepath.Dir(dir)
			break
		}
	}
	if filepath.Base(dir) == "usr" {
		dir = filepath.Dir(dir)
	}
	return dir
}

// Dynamic reports whether the ELF binary at p loads shared libraries (it
// has a PT_INTERP or DT_NEEDED entries); Closure of a static binary is
// empty.
func Dynamic(p string) (bool, error) {
	info, err := linkdeps.ELFLinks(p)
	return info.Interp != "" || len(info.Needed) > 0, err
}
