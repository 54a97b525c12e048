package cli

import "golang.org/x/sys/unix"

// terminalGroup returns the foreground process group of the terminal fd,
// or -1 if fd is not a terminal. The kernel writes a pid_t, 32 bits, which
// IoctlGetUint32 reads on every byte order.
func terminalGroup(fd int) int {
	group, err := unix.IoctlGetUint32(fd, unix.TIOCGPGRP)
	if err != nil {
		return -1
	}
	return int(int32(group))
}
