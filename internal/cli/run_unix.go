//go:build unix

package cli

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"unsafe"
)

// startProgram starts weld run's program in a process group of its own.
// When weld runs in the foreground of a terminal, the program's group
// becomes the terminal's foreground group, so that the program reads the
// terminal and gets its Ctrl-C directly, just as it would run alone;
// weld, then in the background, gets no copy of it. restore gives the
// terminal back to weld's group once the program has exited.
func startProgram(prog *exec.Cmd) (restore func(), err error) {
	prog.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	tty := int(os.Stdin.Fd())
	weldGroup := syscall.Getpgrp()
	foreground := prog.Stdin == os.Stdin && terminalGroup(tty) == weldGroup
	if foreground {
		prog.SysProcAttr = &syscall.SysProcAttr{Foreground: true, Ctty: tty}
	}
	if err := prog.Start(); err != nil {
		return nil, err
	}
	if !foreground {
		return func() {}, nil
	}
	return func() {
		// A background group may take the terminal back only while it
		// ignores SIGTTOU, which would otherwise stop it.
		signal.Ignore(syscall.SIGTTOU)
		defer signal.Reset(syscall.SIGTTOU)
		setTerminalGroup(tty, weldGroup)
	}, nil
}

// terminalGroup returns the foreground process group of the terminal fd,
// or -1 if fd is not a terminal.
func terminalGroup(fd int) int {
	var group int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), uintptr(syscall.TIOCGPGRP), uintptr(unsafe.Pointer(&group))); errno != 0 {
		return -1
	}
	return int(group)
}

func setTerminalGroup(fd, group int) {
	g := int32(group)
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), uintptr(syscall.TIOCSPGRP), uintptr(unsafe.Pointer(&g)))
}

// exitStatus is the program's exit code, or 128+N if signal N killed it,
// as a shell reports it.
func exitStatus(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
