package deb

import (
	"fmt"
	"io"
	"time"
)

// arWriter writes a common-format ar archive as dpkg-deb does: member names
// without a trailing slash, uid and gid 0, mode 100644, and the package
// mtime on every member.
type arWriter struct {
	w     io.Writer
	mtime int64
	err   error
}

func newArWriter(w io.Writer, mtime time.Time) *arWriter {
	a := &arWriter{w: w, mtime: mtime.Unix()}
	_, a.err = io.WriteString(w, "!<arch>\n")
	return a
}

// add writes one member. Names longer than 16 bytes are not used by the
// deb format and are refused.
func (a *arWriter) add(name string, data []byte) error {
	if a.err != nil {
		return a.err
	}
	if len(name) > 16 {
		return fmt.Errorf("ar member %q: name longer than 16 bytes", name)
	}
	hdr := fmt.Sprintf("%-16s%-12d%-6d%-6d%-8o%-10d`\n", name, a.mtime, 0, 0, 0o100644, len(data))
	if _, a.err = io.WriteString(a.w, hdr); a.err != nil {
		return a.err
	}
	if _, a.err = a.w.Write(data); a.err != nil {
		return a.err
	}
	if len(data)%2 == 1 {
		_, a.err = io.WriteString(a.w, "\n")
	}
	return a.err
}
