package oci

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/weldgo/weld/internal/artifact/archive"
)

// File is one file of an image.
type File struct {
	// Path is absolute, in the image: /usr/lib/x86_64-linux-gnu/libz.so.1.
	Path string
	// The contents come from Data, or when Data is nil from the file at Src
	// (read when the layer is written; symlinks followed).
	Src  string
	Data []byte
	// Mode is 0755 (executable) or 0644; 0 takes the execute bit from Src.
	Mode fs.FileMode
	// Reason says why the file is in the image, for the report.
	Reason string
}

// Tree returns a file for every regular file under the directory src,
// placed under dst, in lexical order. A src that is a file gives one File.
// Symlinks to files are followed (the image gets a copy). A symlink to a
// directory is an error, unless skipDirLinks is set; then it is left out,
// which suits trees such as /usr/share/zoneinfo whose posix/ directory
// holds links back into the tree.
func Tree(src, dst, reason string, skipDirLinks bool) ([]File, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file or a directory", src)
		}
		return []File{{Path: dst, Src: src, Reason: reason}}, nil
	}
	var out []File
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		switch {
		case st.IsDir() && skipDirLinks:
			return nil
		case st.IsDir():
			return fmt.Errorf("%s is a symlink to a directory, which an image file entry cannot copy; name its target instead", p)
		case !st.Mode().IsRegular():
			return fmt.Errorf("%s is not a regular file", p)
		}
		out = append(out, File{Path: path.Join(dst, filepath.ToSlash(rel)), Src: p, Reason: reason})
		return nil
	})
	return out, err
}

// tarLayer writes files as one reproducible gzip-compressed tar layer:
// entries sorted by name, uid/gid 0, modes 0755 or 0644, every mtime set
// to mtime, and a gzip stream at a fixed level with no name or time in its
// header (see package archive). withDirs adds an entry for every parent
// directory; it is set for images on scratch, whose directories nothing
// else creates, and left off over a base image, where a directory entry
// could replace one of the base's symlinks (/lib -> usr/lib).
func tarLayer(files []File, mtime time.Time, withDirs bool, mt types.MediaType) (v1.Layer, error) {
	entries := make([]archive.File, 0, len(files))
	for _, f := range files {
		if !path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || f.Path == "/" {
			return nil, fmt.Errorf("image file %q: the path must be absolute and clean", f.Path)
		}
		entries = append(entries, archive.File{Name: strings.TrimPrefix(f.Path, "/"), Mode: f.Mode, Src: f.Src, Data: f.Data})
	}
	if withDirs {
		entries = archive.WithParents(entries)
	}
	var buf bytes.Buffer
	if err := archive.WriteTarGz(&buf, entries, mtime); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(mt))
}

// checkPaths reports two files for the same path, naming both reasons.
func checkPaths(files []File) error {
	byPath := map[string]File{}
	for _, f := range files {
		if prev, ok := byPath[f.Path]; ok {
			return fmt.Errorf("%s is added twice: %s, and %s", f.Path, prev.Reason, f.Reason)
		}
		byPath[f.Path] = f
	}
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Report describes files for a person, one line each, except that a
// tree given by one setting (zoneinfo) is one line.
func Report(files []File) []string {
	var lines []string
	for i := 0; i < len(files); {
		f, j := files[i], i+1
		for j < len(files) && files[j].Reason == f.Reason && !strings.HasPrefix(f.Reason, "needed by") {
			j++
		}
		what := f.Path
		if j-i > 1 {
			what = fmt.Sprintf("%s/ (%d files)", commonDir(files[i:j]), j-i)
		}
		lines = append(lines, fmt.Sprintf("%-48s %s", what, f.Reason))
		i = j
	}
	return lines
}

func commonDir(files []File) string {
	dir := path.Dir(files[0].Path)
	for _, f := range files[1:] {
		for !strings.HasPrefix(f.Path, dir+"/") && dir != "/" {
			dir = path.Dir(dir)
		}
	}
	return dir
}
