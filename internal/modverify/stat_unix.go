//go:build unix

package modverify

import (
	"fmt"
	"io/fs"
	"syscall"
)

// sysStat is the inode, device and change time of a file.
func sysStat(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d %d %d", st.Ino, st.Dev, ctimeNanos(st))
}
