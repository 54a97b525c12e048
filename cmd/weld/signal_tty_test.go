//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal and returns its controller side and the
// terminal a program uses.
func openPTY(t *testing.T) (controller, term *os.File) {
	t.Helper()
	controller, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { controller.Close() })
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, controller.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Fatalf("unlocking the pseudo-terminal: %v", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, controller.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatalf("naming the pseudo-terminal: %v", errno)
	}
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	return controller, term
}

// screen collects what a pseudo-terminal shows.
func screen(controller *os.File) *syncBuffer {
	var b syncBuffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := controller.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	return &b
}

// waitScreen polls the screen until re matches, or fails after timeout.
func waitScreen(t *testing.T, s *syncBuffer, what string, re *regexp.Regexp, timeout time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !re.MatchString(s.String()); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s on the terminal after %v; it shows:\n%s", what, timeout, s.String())
		}
	}
}

// TestRunAtTerminal runs weld run in a terminal it controls, as a user
// does: the program reads the terminal, and Ctrl-C reaches it once.
func TestRunAtTerminal(t *testing.T) {
	requireTool(t, "go")
	dir := t.TempDir()
	weld := buildWeldBinary(t, dir)
	proj := filepath.Join(dir, "proj")
	signalProject(t, proj)
	env := weldEnv(t, dir, goEnv(t, "GOCACHE"))
	controller, term := openPTY(t)
	shown := screen(controller)
	cmd := exec.Command(weld, "run", "--", "readline")
	cmd.Dir, cmd.Env = proj, env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term, term, term
	// weld leads a session whose controlling terminal is term, so its
	// group is the terminal's foreground group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	waitScreen(t, shown, "ready line", regexp.MustCompile(`ready \d+`), 5*time.Minute)
	controller.Write([]byte("typed at the terminal\r"))
	waitScreen(t, shown, "line read by the program", regexp.MustCompile(`read: "typed at the terminal" <nil>`), time.Minute)
	controller.Write([]byte{3}) // Ctrl-C
	select {
	case <-exited:
	case <-time.After(time.Minute):
		t.Fatalf("weld still runs a minute after Ctrl-C; the terminal shows:\n%s", shown.String())
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() || ws.ExitStatus() != 3 {
		t.Errorf("weld ended with %v, want exit status 3 (the program's)", cmd.ProcessState)
	}
	time.Sleep(100 * time.Millisecond) // let the screen reader catch up
	if got := regexp.MustCompile(`handler: \w+`).FindAllString(shown.String(), -1); len(got) != 1 || got[0] != "handler: interrupt" {
		t.Errorf("the program's handler printed %q, want it once: handler: interrupt\nthe terminal shows:\n%s", got, shown.String())
	}
}

// TestRunJobControl suspends weld run's program with Ctrl-Z in an
// interactive shell, brings it back with fg, and stops it with Ctrl-C: the
// shell's job control works as if the program ran alone.
func TestRunJobControl(t *testing.T) {
	requireTool(t, "go")
	requireTool(t, "bash")
	dir := t.TempDir()
	weld := buildWeldBinary(t, dir)
	proj := filepath.Join(dir, "proj")
	signalProject(t, proj)
	env := append(weldEnv(t, dir, goEnv(t, "GOCACHE")), "PS1=PROMPT> ", "TERM=dumb")
	controller, term := openPTY(t)
	shown := screen(controller)
	shell := exec.Command("bash", "--norc", "--noprofile", "-i")
	shell.Dir, shell.Env = proj, env
	shell.Stdin, shell.Stdout, shell.Stderr = term, term, term
	shell.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := shell.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { shell.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			syscall.Kill(-shell.Process.Pid, syscall.SIGKILL)
			shell.Process.Kill()
			<-exited
		}
	})
	prompts := func() int { return strings.Count(shown.String(), "PROMPT> ") }
	waitScreen(t, shown, "shell prompt", regexp.MustCompile(`PROMPT> `), time.Minute)
	controller.Write([]byte(weld + " run -- readline\r"))
	waitScreen(t, shown, "ready line", regexp.MustCompile(`ready \d+`), 5*time.Minute)
	before := prompts()
	controller.Write([]byte{26}) // Ctrl-Z
	waitScreen(t, shown, "the shell reporting the job stopped", regexp.MustCompile(`Stopped`), time.Minute)
	for deadline := time.Now().Add(time.Minute); prompts() == before; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt after Ctrl-Z; the terminal shows:\n%s", shown.String())
		}
	}
	// The shell discards what was typed before it reads its next line,
	// so wait for it to settle; fg echoes the job's command line.
	time.Sleep(time.Second)
	fgDone := strings.Count(shown.String(), "run -- readline")
	controller.Write([]byte("fg\r"))
	for deadline := time.Now().Add(time.Minute); strings.Count(shown.String(), "run -- readline") <= fgDone; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("fg did not resume weld run; the terminal shows:\n%s", shown.String())
		}
	}
	time.Sleep(500 * time.Millisecond) // weld gives the terminal back to the program
	controller.Write([]byte("after fg\r"))
	waitScreen(t, shown, "line read by the program after fg", regexp.MustCompile(`read: "after fg" <nil>`), time.Minute)
	before = prompts()
	controller.Write([]byte{3}) // Ctrl-C
	waitScreen(t, shown, "the program's handler", regexp.MustCompile(`handler: interrupt`), time.Minute)
	for deadline := time.Now().Add(time.Minute); prompts() == before; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt after Ctrl-C; the terminal shows:\n%s", shown.String())
		}
	}
	controller.Write([]byte("echo status=$?\r"))
	waitScreen(t, shown, "weld's exit status", regexp.MustCompile(`status=\d+`), time.Minute)
	if got := regexp.MustCompile(`status=\d+`).FindString(shown.String()); got != "status=3" {
		t.Errorf("weld run exited with %s, want status=3; the terminal shows:\n%s", got, shown.String())
	}
	if got := regexp.MustCompile(`handler: \w+`).FindAllString(shown.String(), -1); len(got) != 1 {
		t.Errorf("the program's handler printed %q, want it once\nthe terminal shows:\n%s", got, shown.String())
	}
	controller.Write([]byte("exit\r"))
}
