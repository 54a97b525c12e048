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
func lockDir(dir string) (unlock func(), locked bool) { return flockDir(dir, true) }

// tryLockDir takes the lock only if no one holds it. A live writer holds
// the lock on its temporary directory until it is done, and the kernel
// releases it when the writer dies, even by kill -9: a temporary directory
// that can be locked is one whose writer is gone.
func tryLockDir(dir string) (unlock func(), ok bool) { return flockDir(dir, false) }

func flockDir(dir string, wait bool) (func(), bool) {
	f, err := os.Open(dir)
	if err != nil {
		return func() {}, false
	}
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
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
