package outcache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/weldgo/weld/internal/atomicfile"
)

// sumsName is the file in every entry directory that lists the sha256 of
// each other file. Every read checks a file against it, so a truncated or
// damaged entry is noticed instead of copied out.
const sumsName = "sha256sums"

// ErrCorrupt matches (with errors.Is) every error about a damaged entry.
var ErrCorrupt = errors.New("corrupt cache entry")

// CorruptError says that the entry under Key failed verification. The
// store has removed it by the time the error is returned, so the caller
// rebuilds it and stores a fresh one.
type CorruptError struct {
	Key string
	Why string // "sha256 mismatch", "app missing", ...
}

// CorruptWhy is what is wrong with a damaged entry, for a one-line
// report: the CorruptError's reason, or err itself.
func CorruptWhy(err error) string {
	var ce *CorruptError
	if errors.As(err, &ce) {
		return ce.Why
	}
	return err.Error()
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("cache entry %s is corrupt (%s)", ShortKey(e.Key), e.Why)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// ShortKey is the prefix of a key that weld prints.
func ShortKey(key string) string {
	if len(key) > 16 {
		return key[:16]
	}
	return key
}

// Entry is a verified entry directory: its checksum list has been read,
// and each file is checked as it is read.
type Entry struct {
	Key  string
	dir  string
	sums map[string]string // file name → hex sha256
}

// openEntry reads the checksum list of parent/key. A missing directory is
// fs.ErrNotExist (a plain miss); a directory without a readable list is
// corrupt, and is removed.
func openEntry(parent, key string) (*Entry, error) {
	dir := filepath.Join(parent, key)
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	e := &Entry{Key: key, dir: dir}
	data, err := os.ReadFile(filepath.Join(dir, sumsName))
	if err != nil {
		return nil, e.corrupt(sumsName + " missing")
	}
	if e.sums, err = parseSums(data); err != nil {
		return nil, e.corrupt(err.Error())
	}
	touch(dir)
	return e, nil
}

// corrupt removes the entry and returns the error that says why.
func (e *Entry) corrupt(why string) error {
	os.RemoveAll(e.dir)
	return &CorruptError{Key: e.Key, Why: why}
}

// ReadFile returns a small file of the entry, verified.
func (e *Entry) ReadFile(name string) ([]byte, error) {
	var b bytes.Buffer
	err := e.copyVerified(name, func(r io.Reader) error {
		_, err := b.ReadFrom(r)
		return err
	})
	return b.Bytes(), err
}

// CopyOut copies a file of the entry to dst, atomically and only when its
// content matches its recorded sha256: on a mismatch dst is left as it
// was, the entry is removed and the error is a *CorruptError.
func (e *Entry) CopyOut(name, dst string, mode os.FileMode) error {
	return e.copyVerified(name, func(r io.Reader) error { return atomicfile.WriteFrom(dst, r, mode) })
}

// copyVerified hands write a reader of the file that fails at its end
// unless the content matched.
func (e *Entry) copyVerified(name string, write func(io.Reader) error) error {
	want, ok := e.sums[name]
	if !ok {
		return e.corrupt(name + " not listed in " + sumsName)
	}
	f, err := os.Open(filepath.Join(e.dir, name))
	if err != nil {
		return e.corrupt(name + " missing")
	}
	defer f.Close()
	err = write(&verifyingReader{r: f, h: sha256.New(), want: want})
	if errors.Is(err, errMismatch) {
		return e.corrupt("sha256 mismatch")
	}
	return err
}

var errMismatch = errors.New("sha256 mismatch")

// verifyingReader hashes what it reads and, instead of io.EOF, returns
// errMismatch when the content's sha256 is not the expected one, so that
// a copy through it fails before its destination is renamed into place.
type verifyingReader struct {
	r    io.Reader
	h    hash.Hash
	want string
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(v.h.Sum(nil)) != v.want {
		return n, errMismatch
	}
	return n, err
}

// parseSums reads "HEX  NAME" lines, the format of sha256sum.
func parseSums(data []byte) (map[string]string, error) {
	sums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" || name == "" || strings.ContainsAny(name, `/\`) {
			return nil, fmt.Errorf("malformed %s", sumsName)
		}
		sums[name] = sum
	}
	if len(sums) == 0 {
		return nil, fmt.Errorf("empty %s", sumsName)
	}
	return sums, nil
}

func formatSums(sums map[string]string) []byte {
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	return b.Bytes()
}

// entryWriter fills a new entry directory, recording each file's sha256.
type entryWriter struct {
	dir  string
	sums map[string]string
}

// copyIn copies src into the entry as name, hashing it on the way.
func (w *entryWriter) copyIn(src, name string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(filepath.Join(w.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	w.sums[name] = hex.EncodeToString(h.Sum(nil))
	return os.Chmod(filepath.Join(w.dir, name), mode)
}

// writeFile writes data into the entry as name.
func (w *entryWriter) writeFile(name string, data []byte) error {
	sum := sha256.Sum256(data)
	w.sums[name] = hex.EncodeToString(sum[:])
	return os.WriteFile(filepath.Join(w.dir, name), data, 0o644)
}

// putEntry fills a temporary directory beside parent/key and renames it
// into place, so that readers only ever see complete entries. An entry
// already there is replaced: it may be damaged (the caller rebuilt because
// it could not use it) or distrusted (--no-cache). When a concurrent build
// stores the same key in between, its entry is kept: same key, same
// content.
//
// The temporary directories are named for this process (atomicfile's
// rule), so the first Put of a later run removes those that a killed
// build left behind, for any key, and never those of a running build.
func putEntry(parent, key string, fill func(w *entryWriter) error) error {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	atomicfile.CleanStaleIn(parent)
	tmp, err := atomicfile.MkdirTemp(parent, key)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	w := &entryWriter{dir: tmp, sums: map[string]string{}}
	if err := fill(w); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, sumsName), formatSums(w.sums), 0o644); err != nil {
		return err
	}
	final := filepath.Join(parent, key)
	err = os.Rename(tmp, final)
	if !isExist(err) {
		return err
	}
	// Move the old entry aside (a reader that has it open keeps reading
	// it), then put the new one in its place.
	old, err := atomicfile.MkdirTemp(parent, key)
	if err != nil {
		return err
	}
	defer os.RemoveAll(old)
	if err := os.Rename(final, filepath.Join(old, "entry")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, final); err != nil && !isExist(err) {
		return err
	}
	return nil
}

func isExist(err error) bool {
	return errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY)
}
