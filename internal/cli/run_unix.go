//go:build unix

package cli

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// terminal is the terminal weld run shares with its program, if the
// program runs in its foreground.
type terminal struct {
	fd         int
	foreground bool // the program's group is the terminal's foreground
	weldGroup  int
}

// startProgram starts weld run's program in a process group of its own.
// When weld runs in the foreground of a terminal, the program's group
// becomes the terminal's foreground group, so that the program reads the
// terminal and gets its Ctrl-C directly, just as it would run alone;
// weld, then in the background, gets no copy of it. restore gives the
// terminal back to weld's group once the program has exited.
func startProgram(prog *exec.Cmd) (*terminal, error) {
	t := &terminal{fd: int(os.Stdin.Fd()), weldGroup: unix.Getpgrp()}
	t.foreground = prog.Stdin == os.Stdin && terminalGroup(t.fd) == t.weldGroup
	prog.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if t.foreground {
		prog.SysProcAttr = &syscall.SysProcAttr{Foreground: true, Ctty: t.fd}
	}
	return t, prog.Start()
}

// restore gives the terminal back to weld's group, after the program.
func (t *terminal) restore() {
	if t.foreground {
		t.take(t.weldGroup)
	}
}

// take makes group the terminal's foreground group. A background group may
// do that only while it ignores SIGTTOU, which would otherwise stop it.
func (t *terminal) take(group int) {
	signal.Ignore(unix.SIGTTOU)
	defer signal.Reset(unix.SIGTTOU)
	unix.IoctlSetPointerInt(t.fd, unix.TIOCSPGRP, group)
}

// exitStatus is the program's exit code, or 128+N if signal N killed it,
// as a shell reports it.
func exitStatus(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
