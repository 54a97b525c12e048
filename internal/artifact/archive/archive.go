// Package archive writes reproducible zip and tar.gz archives.
//
// The same files and the same mtime always give the same bytes (for a given
// Go toolchain: compress/flate's output is not promised stable across Go
// releases). To get there the writers
//
//   - sort entries by name and reject duplicates;
//   - give every entry the one mtime the caller passes (SOURCE_DATE_EPOCH or
//     the lock file's time), never the file system's;
//   - normalize modes: 0755 for directories and for files with any execute
//     bit, 0644 for everything else; no setuid, sticky or group/world bits
//     beyond those;
//   - write uid/gid 0 with empty user and group names (tar);
//   - write a gzip header with no name, a zero mtime, OS 255 ("unknown") and
//     a fixed compression level;
//   - write zip entries with a fixed MS-DOS time and no extra fields (no
//     extended timestamp, no uid/gid), Unix modes in the external attributes
//     so that unzip restores the execute bit.
//
// Only regular files and directories are supported.
package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// File is one entry of an archive.
//
// Name is a slash-separated path relative to the archive root, such as
// "weld_1.0.0_linux_amd64/weld". It may start with "./" (the Debian
// convention); "." or "./" names the root directory. It must not be
// absolute, contain "..", "//" or a backslash, or end in "/" unless it is a
// directory.
//
// The contents come from Data, or, when Data is nil and Src is set, from the
// file at Src, read while the archive is written. Mode's type bits say
// whether the entry is a directory (fs.ModeDir) or a regular file; of its
// permission bits only "is any execute bit set" matters (setuid, setgid and
// sticky are dropped). A File with Src and a Mode of 0 takes its execute bit
// from the file at Src.
type File struct {
	Name string
	Mode fs.FileMode
	Data []byte
	Src  string
}

// Dir returns a directory entry.
func Dir(name string) File { return File{Name: name, Mode: fs.ModeDir | 0o755} }

// IsDir reports whether f is a directory entry.
func (f File) IsDir() bool { return f.Mode.IsDir() }

// Perm is the normalized permission of f: 0755 for directories and
// executables, 0644 otherwise.
func (f File) Perm() fs.FileMode {
	if f.IsDir() || f.Mode&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// CleanName is f's name in the form the archive stores it: without a
// trailing slash, "./" kept when given.
func (f File) CleanName() string {
	if f.Name == "./" || f.Name == "." {
		return "."
	}
	return strings.TrimSuffix(f.Name, "/")
}

// entryName is the name written into the archive: directories get a
// trailing slash, the root is "./".
func (f File) entryName() string {
	n := f.CleanName()
	if f.IsDir() {
		return n + "/"
	}
	return n
}

// Open returns f's contents and their size. For a Src file whose Mode is 0
// the returned File carries the mode read from disk.
func (f File) Open() (io.ReadCloser, int64, File, error) {
	if f.IsDir() {
		return io.NopCloser(bytes.NewReader(nil)), 0, f, nil
	}
	if f.Data != nil || f.Src == "" {
		return io.NopCloser(bytes.NewReader(f.Data)), int64(len(f.Data)), f, nil
	}
	r, err := os.Open(f.Src)
	if err != nil {
		return nil, 0, f, fmt.Errorf("reading %s for %s: %w", f.Src, f.Name, err)
	}
	st, err := r.Stat()
	if err != nil {
		r.Close()
		return nil, 0, f, fmt.Errorf("reading %s for %s: %w", f.Src, f.Name, err)
	}
	if !st.Mode().IsRegular() {
		r.Close()
		return nil, 0, f, fmt.Errorf("reading %s for %s: not a regular file (%s)", f.Src, f.Name, st.Mode().Type())
	}
	if f.Mode == 0 {
		f.Mode = st.Mode().Perm()
	}
	return r, st.Size(), f, nil
}

// ReadAll returns f's contents (nil for a directory).
func (f File) ReadAll() ([]byte, File, error) {
	r, _, f, err := f.Open()
	if err != nil {
		return nil, f, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, f, fmt.Errorf("reading %s for %s: %w", f.Src, f.Name, err)
	}
	return b, f, nil
}

// Check validates one entry name and type.
func (f File) Check() error {
	if f.Mode&^(fs.ModeDir|fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
		return fmt.Errorf("archive entry %q: unsupported mode %v (only regular files and directories)", f.Name, f.Mode)
	}
	n := f.Name
	switch {
	case n == "":
		return errors.New("archive entry with an empty name")
	case n == "." || n == "./":
		if !f.IsDir() {
			return fmt.Errorf("archive entry %q: the root must be a directory", n)
		}
		return nil
	case strings.ContainsAny(n, "\\\x00\n"):
		return fmt.Errorf("archive entry %q: name contains a backslash, NUL or newline", n)
	case strings.HasSuffix(n, "/") && !f.IsDir():
		return fmt.Errorf("archive entry %q: name ends in / but the entry is not a directory", n)
	}
	rel := strings.TrimSuffix(strings.TrimPrefix(n, "./"), "/")
	if rel == "" || path.IsAbs(rel) || path.Clean(rel) != rel || rel == ".." || strings.HasPrefix(rel, "../") {
		return fmt.Errorf("archive entry %q: name must be a clean relative path (no leading /, no .., no //)", n)
	}
	return nil
}

// Sorted validates files and returns them sorted by the name written into
// the archive. Two entries for the same path are an error.
func Sorted(files []File) ([]File, error) {
	out := slices.Clone(files)
	for _, f := range out {
		if err := f.Check(); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b File) int { return strings.Compare(a.entryName(), b.entryName()) })
	seen := make(map[string]string, len(out))
	for _, f := range out {
		key := strings.TrimPrefix(f.CleanName(), "./")
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("archive entry %q: same path as %q", f.Name, prev)
		}
		seen[key] = f.Name
	}
	return out, nil
}

// WithParents returns files plus a directory entry for every parent
// directory that has none, as dpkg and some unpackers expect. Names keep
// their "./" prefix if the files use one; the root itself is not added.
func WithParents(files []File) []File {
	have := make(map[string]bool, len(files))
	for _, f := range files {
		have[strings.TrimPrefix(f.CleanName(), "./")] = true
	}
	out := slices.Clone(files)
	for _, f := range files {
		prefix := ""
		if strings.HasPrefix(f.Name, "./") {
			prefix = "./"
		}
		rel := strings.TrimPrefix(f.CleanName(), "./")
		for d := path.Dir(rel); d != "." && d != "/" && d != ""; d = path.Dir(d) {
			if !have[d] {
				have[d] = true
				out = append(out, Dir(prefix+d))
			}
		}
	}
	return out
}

// epoch maps a zero time to the Unix epoch and drops sub-second precision
// and the location, so that callers passing time.Time{} still get a valid,
// fixed timestamp.
func epoch(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return t.UTC().Truncate(time.Second)
}
