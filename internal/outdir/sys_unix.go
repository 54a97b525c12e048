//go:build unix

package outdir

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// dirID identifies a directory for as long as it exists: its device and
// inode, which survive the rename that puts it in place.
func dirID(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d:%d", uint64(st.Dev), uint64(st.Ino))
}

// lockDir takes an exclusive lock on dir itself, which leaves no file
// behind, and waits for it. It serialises the short check-and-swap of
// concurrent weld runs writing into one directory. Where the file system
// does not lock directories, it does nothing: Commit then copes with the
// races itself, by checking what it moved aside and retrying.
func lockDir(dir string) (unlock func(), locked bool) {
	f, err := os.Open(dir)
	if err != nil {
		return func() {}, false
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return func() {}, false
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, true
}
