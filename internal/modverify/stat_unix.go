//go:build unix

package modverify

import (
	"io/fs"
	"strconv"
	"syscall"
)

// appendSysStat appends the inode, device and change time of a file.
func appendSysStat(b []byte, fi fs.FileInfo) []byte {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return b
	}
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(st.Ino), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(st.Dev), 10)
	b = append(b, ' ')
	return strconv.AppendInt(b, ctimeNanos(st), 10)
}
