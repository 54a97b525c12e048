//go:build !unix

package gobuild

import (
	"os/exec"
	"time"
)

// stopOnCancel kills the go command when its context is cancelled; there
// are no process groups to stop here.
func stopOnCancel(cmd *exec.Cmd) (done func()) {
	cmd.WaitDelay = 5 * time.Second
	return func() {}
}
