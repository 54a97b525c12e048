package cli

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"unsafe"
)

// wait waits for the program to exit. A program in the terminal's
// foreground gets Ctrl-Z there, and weld does not: the shell, which waits
// for weld, would then hang with the program stopped. So when the program
// stops, weld takes the terminal back and stops its own job, as the
// terminal would have; when the shell continues weld (fg), weld gives the
// terminal to the program again and continues it.
func (t *terminal) wait(prog *exec.Cmd) error {
	pid := prog.Process.Pid
	for t.foreground {
		code, err := waitChild(pid, waitExited|waitStopped|waitNoWait)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || code != childStopped {
			break
		}
		// Take the stop report, leaving the program to Wait.
		waitChild(pid, waitStopped|waitNoHang)
		if shellCanContinue() {
			t.take(t.weldGroup)
			stopUntilContinued()
			if terminalGroup(t.fd) == t.weldGroup {
				t.take(pid) // fg: the program has the terminal again
			}
		}
		syscall.Kill(-pid, syscall.SIGCONT)
	}
	return prog.Wait()
}

// stopUntilContinued stops weld's process group, as Ctrl-Z would have, and
// returns once it is continued. kill returns before the stop takes hold of
// every thread, so weld waits for the SIGCONT.
func stopUntilContinued() {
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	defer signal.Stop(cont)
	syscall.Kill(0, syscall.SIGTSTP)
	<-cont
}

// shellCanContinue reports whether a stopped weld can be continued: its
// parent, the shell, runs in the same session but another process group.
// Otherwise weld's group is orphaned, where the kernel ignores Ctrl-Z, and
// so does weld: stopped, nobody would continue it.
func shellCanContinue() bool {
	parent := syscall.Getppid()
	parentGroup, err := syscall.Getpgid(parent)
	if err != nil || parentGroup == syscall.Getpgrp() {
		return false
	}
	return sessionOf(parent) == sessionOf(0)
}

func sessionOf(pid int) int {
	sid, _, errno := syscall.RawSyscall(syscall.SYS_GETSID, uintptr(pid), 0, 0)
	if errno != 0 {
		return -1
	}
	return int(sid)
}

const (
	waitStopped = 0x2       // WSTOPPED
	waitExited  = 0x4       // WEXITED
	waitNoHang  = 0x1       // WNOHANG
	waitNoWait  = 0x1000000 // WNOWAIT
	idPid       = 1         // P_PID

	childStopped = 5 // CLD_STOPPED, in si_code
)

// waitChild is waitid(P_PID, pid, options) and returns the si_code of the
// reported state change (0 if none).
func waitChild(pid, options int) (code int32, err error) {
	// siginfo_t is 128 bytes; si_code is the third int32.
	var info [32]int32
	_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, idPid, uintptr(pid), uintptr(unsafe.Pointer(&info[0])), uintptr(options), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return info[2], nil
}
