//go:build unix && !linux

package cli

import "golang.org/x/sys/unix"

// terminalGroup returns the foreground process group of the terminal fd,
// or -1 if fd is not a terminal.
func terminalGroup(fd int) int {
	group, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
	if err != nil {
		return -1
	}
	// The kernel writes a 32-bit pid_t into the first half of the int;
	// on a big-endian 64-bit system (openbsd/ppc64, aix/ppc64) that is
	// its high half.
	v := int64(group)
	if v != int64(int32(v)) {
		v >>= 32
	}
	return int(v)
}
