//go:build unix

package gobuild

import (
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a cancelled go command and the compilers and
// linkers it started get to exit after SIGINT before they are killed.
const stopGrace = 3 * time.Second

// stopOnCancel makes cmd run in a process group of its own and, when its
// context is cancelled, stop that whole group: first with SIGINT, on which
// the go command stops its work and removes its own temporary directory,
// then, after stopGrace, with SIGKILL. Killing only the go process, as
// exec.CommandContext does, would leave its compile and link processes
// running. The group of its own also keeps a Ctrl-C at the terminal, which
// weld handles, from reaching the go command a second time.
//
// Call the returned function after Wait: it cancels a pending SIGKILL, so
// that it never reaches a group id the system has since given to others.
func stopOnCancel(cmd *exec.Cmd) (done func()) {
	var mu sync.Mutex
	var kill *time.Timer
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		group := -cmd.Process.Pid
		mu.Lock()
		defer mu.Unlock()
		kill = time.AfterFunc(stopGrace, func() { syscall.Kill(group, syscall.SIGKILL) })
		return syscall.Kill(group, syscall.SIGINT)
	}
	// Wait returns once the go command has exited and every process of
	// the group has closed its output; past this delay it gives up on
	// processes that outlive even SIGKILL.
	cmd.WaitDelay = 2 * stopGrace
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if kill != nil {
			kill.Stop()
		}
	}
}
