// Package outdir is weld's one rule for replacing a directory (weld vendor
// -o, weld nix -o and --vendor-dir, weld image --layout):
//
//   - the new content is written into a fresh temporary sibling and renamed
//     into place, so the directory is always either the old or the new one;
//   - an existing directory is replaced only when it is empty or holds the
//     marker that the same command left there on an earlier run;
//   - a directory that is, or contains, the manifest's directory or a local
//     module root is refused, and so is one holding anything else. Refusing
//     touches nothing.
//
// weld never deletes what it did not write.
package outdir

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MarkerName is the file that marks a directory as a command's output.
const MarkerName = ".weld-output"

// Protected is a directory that no output may be or contain.
type Protected struct {
	Dir  string // absolute
	What string // "the manifest's directory", "the module root of plugin example.com/x"
}

// Rule says which directories one command may replace.
type Rule struct {
	// Command names the writer ("weld vendor"); the marker records it, and
	// only the same command replaces the directory.
	Command string
	// Flag is the option that named the directory ("-o"), for messages.
	Flag string
	// Protected are the project's own directories.
	Protected []Protected
	// MarkerBeside keeps the marker next to the directory, in
	// .NAME.weld-output, instead of inside it: for outputs whose content
	// is hashed (the vendor directory behind a flake's vendorHash). That
	// marker also records the directory's identity, so that a directory
	// put there later is not taken for weld's.
	MarkerBeside bool
	// Legacy, when set, recognises the output of an older weld that wrote
	// no marker, from a file only weld writes, in the directory open at
	// root.
	Legacy func(root *os.Root) bool
}

// RefusedError is a directory that the rule does not let weld replace.
type RefusedError struct {
	Flag, Dir string
	Why       string
	// Emptiable says whether emptying the directory would make it
	// acceptable.
	Emptiable bool
}

func (e *RefusedError) Error() string {
	fix := "choose another directory"
	if e.Emptiable {
		fix += ", or empty this one"
	}
	name := e.Dir
	if e.Flag != "" {
		name = e.Flag + " " + e.Dir
	}
	return fmt.Sprintf("%s: refusing to replace this directory: %s; %s", name, e.Why, fix)
}

// Check reports whether dir may be replaced, without changing anything.
func (r Rule) Check(dir string) error {
	real, err := r.target(dir)
	if err != nil {
		return err
	}
	unlock, _ := lockParent(filepath.Dir(real))
	defer unlock()
	return r.checkContent(dir, real, real)
}

// target resolves dir and refuses it when it is or holds a protected
// directory.
func (r Rule) target(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real := resolve(abs)
	for _, p := range r.Protected {
		pr := resolve(p.Dir)
		switch {
		case pr == real:
			return "", r.refuse(dir, "it is "+p.What, false)
		case within(real, pr):
			return "", r.refuse(dir, fmt.Sprintf("it contains %s (%s)", p.What, display(p.Dir)), false)
		}
	}
	return real, nil
}

// checkContent refuses the directory at path (which is real, or real
// moved aside) unless it is missing, empty or marked by r.Command. It
// reads the directory through one open handle, so that a concurrent run
// renaming directories cannot show it a mix of two; when that run deletes
// the directory while it is being read, the check starts again with the
// one that took its place.
func (r Rule) checkContent(dir, real, path string) error {
	for range maxSwaps {
		err := r.checkOnce(dir, real, path)
		if !errors.Is(err, errVanished) {
			return err
		}
	}
	return fmt.Errorf("%s: other programs kept replacing this directory while weld was reading it; run weld again when they are done", dir)
}

// errVanished is a directory deleted while it was being read.
var errVanished = errors.New("the directory vanished")

func (r Rule) checkOnce(dir, real, path string) error {
	if fi, err := os.Lstat(path); err == nil && !fi.IsDir() {
		return r.refuse(dir, "it exists and is not a directory", false)
	}
	root, err := os.OpenRoot(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	defer root.Close()
	d, err := root.Open(".")
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if errors.Is(err, fs.ErrNotExist) {
		return errVanished
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil
	}
	cmd, ok := r.readMarker(real, root)
	switch {
	case ok && cmd == r.Command:
		return nil
	case ok:
		return r.refuse(dir, fmt.Sprintf("it holds the output of %s, not of %s", cmd, r.Command), false)
	case r.Legacy != nil && r.Legacy(root):
		return nil
	}
	// What was read may be a directory that another run has since moved
	// aside to delete it, emptied in part: then look again.
	here, err1 := os.Lstat(path)
	read, err2 := root.Stat(".")
	if err1 != nil || err2 != nil || !os.SameFile(here, read) {
		return errVanished
	}
	sort.Strings(names)
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
	}
	return r.refuse(dir, "it holds files that weld did not write ("+strings.Join(names, ", ")+")", true)
}

func (r Rule) refuse(dir, why string, emptiable bool) error {
	return &RefusedError{Flag: r.Flag, Dir: dir, Why: why, Emptiable: emptiable}
}

// markerText is what a marker holds; readMarker reads the command line
// back, and for a marker beside the directory the identity line.
func markerText(command, id string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "This directory was written by %s, which replaces it whole when it runs again.\n", command)
	fmt.Fprintf(&b, "command: %s\n", command)
	if id != "" {
		fmt.Fprintf(&b, "directory: %s\n", id)
	}
	return b.Bytes()
}

// besideMarker is the marker's path for a directory that holds none.
func besideMarker(real string) string {
	return filepath.Join(filepath.Dir(real), "."+filepath.Base(real)+MarkerName)
}

// readMarker returns the command that wrote the directory open at root,
// which lives at real (or is moved aside from there).
func (r Rule) readMarker(real string, root *os.Root) (string, bool) {
	var data []byte
	var err error
	if r.MarkerBeside {
		data, err = os.ReadFile(besideMarker(real))
	} else {
		data, err = root.ReadFile(MarkerName)
	}
	if err != nil {
		return "", false
	}
	fields := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ": "); ok {
			fields[k] = v
		}
	}
	cmd, ok := fields["command"]
	if !ok {
		return "", false
	}
	if r.MarkerBeside {
		// A stale marker beside some other directory proves nothing.
		fi, err := root.Stat(".")
		if err != nil {
			return "", false
		}
		if id := dirID(fi); id == "" || fields["directory"] != id {
			return "", false
		}
	}
	return cmd, true
}

// resolve follows the symbolic links of the longest existing prefix of
// abs, so that two spellings of one directory compare equal.
func resolve(abs string) string {
	abs = filepath.Clean(abs)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	parent := filepath.Dir(abs)
	if parent == abs {
		return abs
	}
	return filepath.Join(resolve(parent), filepath.Base(abs))
}

// within reports whether p is strictly inside dir.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// display shows p relative to the working directory when it is below it.
func display(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

// IsOutput reports whether dir is a directory that a weld command wrote
// and marked as its own (a marker inside it, or, for a directory whose
// content is hashed, beside it and naming it). Such directories are never
// part of a module's sources.
func IsOutput(dir string) bool {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return false
	}
	defer root.Close()
	real := resolve(dir)
	for _, r := range []Rule{{}, {MarkerBeside: true}} {
		if cmd, ok := r.readMarker(real, root); ok && strings.HasPrefix(cmd, "weld ") {
			return true
		}
	}
	return false
}
