package cli

import (
	"os"
	"os/exec"
	"os/signal"

	"golang.org/x/sys/unix"
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
		code, err := waitChild(pid, unix.WEXITED|unix.WSTOPPED|unix.WNOWAIT)
		if err == unix.EINTR {
			continue
		}
		if err != nil || code != childStopped {
			break
		}
		// Take the stop report, leaving the program to Wait.
		waitChild(pid, unix.WSTOPPED|unix.WNOHANG)
		if shellCanContinue() {
			t.take(t.weldGroup)
			stopUntilContinued()
			if terminalGroup(t.fd) == t.weldGroup {
				t.take(pid) // fg: the program has the terminal again
			}
		}
		unix.Kill(-pid, unix.SIGCONT)
	}
	return prog.Wait()
}

// stopUntilContinued stops weld's process group, as Ctrl-Z would have, and
// returns once it is continued. kill returns before the stop takes hold of
// every thread, so weld waits for the SIGCONT.
func stopUntilContinued() {
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, unix.SIGCONT)
	defer signal.Stop(cont)
	unix.Kill(0, unix.SIGTSTP)
	<-cont
}

// shellCanContinue reports whether a stopped weld can be continued: its
// parent, the shell, runs in the same session but another process group.
// Otherwise weld's group is orphaned, where the kernel ignores Ctrl-Z, and
// so does weld: stopped, nobody would continue it.
func shellCanContinue() bool {
	parent := unix.Getppid()
	parentGroup, err := unix.Getpgid(parent)
	if err != nil || parentGroup == unix.Getpgrp() {
		return false
	}
	return sessionOf(parent) == sessionOf(0)
}

func sessionOf(pid int) int {
	sid, err := unix.Getsid(pid)
	if err != nil {
		return -1
	}
	return sid
}

// childStopped is CLD_STOPPED, the si_code of a child stopped by a
// signal (x/sys/unix does not name it).
const childStopped = 5

// waitChild is waitid(P_PID, pid, options) and returns the si_code of the
// reported state change (0 if none).
func waitChild(pid, options int) (code int32, err error) {
	var info unix.Siginfo
	if err := unix.Waitid(unix.P_PID, pid, &info, options, nil); err != nil {
		return 0, err
	}
	return info.Code, nil
}
