//go:build unix && !linux

package atomicfile

import (
	"errors"
	"syscall"
)

// processStart returns "0": without /proc there is no portable start time,
// so a pid alone names the writer.
func processStart(int) string { return "0" }

// processStarted reports whether pid exists (signal 0 checks that without
// sending anything; EPERM means it exists as another user's).
func processStarted(pid int) (string, bool) {
	err := syscall.Kill(pid, 0)
	return "0", err == nil || errors.Is(err, syscall.EPERM)
}
