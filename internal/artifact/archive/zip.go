package archive

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// zipEpoch is the earliest time an MS-DOS timestamp can hold.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteZip writes files as a zip archive to w: deflated at GzipLevel
// (directories stored), every entry stamped with mtime as an MS-DOS
// date and time in UTC and nothing else, Unix modes in the external
// attributes. An MS-DOS time has a two-second resolution and starts in
// 1980: earlier mtimes (SOURCE_DATE_EPOCH=0, say) are written as
// 1980-01-01 00:00:00, and years after 2107 are an error.
func WriteZip(w io.Writer, files []File, mtime time.Time) error {
	files, err := Sorted(files)
	if err != nil {
		return fmt.Errorf("writing zip: %w", err)
	}
	mtime = epoch(mtime)
	if mtime.Before(zipEpoch) {
		mtime = zipEpoch
	}
	if mtime.Year() > 2107 {
		return fmt.Errorf("writing zip: mtime %s is past 2107, the last year an MS-DOS timestamp holds", mtime.Format(time.RFC3339))
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, GzipLevel)
	})
	for _, f := range files {
		if err := writeZipEntry(zw, f, mtime); err != nil {
			return fmt.Errorf("writing zip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("writing zip: %w", err)
	}
	return nil
}

func writeZipEntry(zw *zip.Writer, f File, mtime time.Time) error {
	r, size, f, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	hdr := &zip.FileHeader{Name: f.entryName(), Method: zip.Deflate}
	// Leaving Modified zero and setting the MS-DOS fields directly is the
	// only way to keep archive/zip from adding an extended-timestamp extra
	// field.
	hdr.ModifiedDate, hdr.ModifiedTime = msDosTime(mtime)
	mode := f.Perm()
	if f.IsDir() {
		hdr.Method = zip.Store
		mode |= fs.ModeDir
	}
	hdr.SetMode(mode)
	fw, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("entry %s: %w", f.Name, err)
	}
	n, err := io.Copy(fw, r)
	if err != nil {
		return fmt.Errorf("entry %s: %w", f.Name, err)
	}
	if n != size {
		return fmt.Errorf("entry %s: %s changed while being archived (%d bytes, expected %d)", f.Name, f.Src, n, size)
	}
	return nil
}

// msDosTime encodes t (UTC, 1980..2107) as an MS-DOS date and time.
func msDosTime(t time.Time) (date, tod uint16) {
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	tod = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, tod
}
