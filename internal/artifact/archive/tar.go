package archive

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"time"
)

// GzipLevel is the compression level of every gzip stream this package
// writes. It is fixed so that output does not depend on defaults.
const GzipLevel = gzip.BestCompression

// WriteTarGz writes files as a gzip-compressed tar archive to w. See the
// package documentation for what makes it reproducible.
func WriteTarGz(w io.Writer, files []File, mtime time.Time) error {
	zw, err := gzip.NewWriterLevel(w, GzipLevel)
	if err != nil {
		return fmt.Errorf("writing tar.gz: %w", err)
	}
	// The zero Header means no name, no comment and an mtime of 0.
	if err := WriteTar(zw, files, mtime); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("writing tar.gz: %w", err)
	}
	return nil
}

// WriteTar writes files as an uncompressed tar archive to w: USTAR headers
// (PAX only for names USTAR cannot hold), uid/gid 0, no user or group
// names, normalized modes, and mtime on every entry.
func WriteTar(w io.Writer, files []File, mtime time.Time) error {
	files, err := Sorted(files)
	if err != nil {
		return fmt.Errorf("writing tar: %w", err)
	}
	mtime = epoch(mtime)
	tw := tar.NewWriter(w)
	for _, f := range files {
		if err := writeTarEntry(tw, f, mtime); err != nil {
			return fmt.Errorf("writing tar: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing tar: %w", err)
	}
	return nil
}

func writeTarEntry(tw *tar.Writer, f File, mtime time.Time) error {
	r, size, f, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     f.entryName(),
		Mode:     int64(f.Perm()),
		Size:     size,
		ModTime:  mtime,
	}
	if f.IsDir() {
		hdr.Typeflag = tar.TypeDir
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("entry %s: %w", f.Name, err)
	}
	n, err := io.Copy(tw, r)
	if err != nil {
		return fmt.Errorf("entry %s: %w", f.Name, err)
	}
	if n != size {
		return fmt.Errorf("entry %s: %s changed while being archived (%d bytes, expected %d)", f.Name, f.Src, n, size)
	}
	return nil
}
