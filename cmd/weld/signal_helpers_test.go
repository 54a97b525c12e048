//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// The signal tests run weld as a real process, as a user or a service
// manager does, and send it real signals; they use /proc to find the
// processes weld started.

// buildWeldBinary builds cmd/weld into dir.
func buildWeldBinary(t *testing.T, dir string) string {
	t.Helper()
	weld := filepath.Join(dir, "weld")
	if out, err := exec.Command("go", "build", "-o", weld, ".").CombinedOutput(); err != nil {
		t.Fatalf("building weld: %v\n%s", err, out)
	}
	return weld
}

// signalProject writes the project of the signal tests into dir: a local
// app that reports "ready PID", then prints one "handler: SIGNAL" line for
// every stop signal it gets and exits 3 a second after the first.
func signalProject(t *testing.T, dir string) {
	t.Helper()
	ar := txtar.Parse([]byte(`-- weld.yaml --
name: waiter
app:
  module: example.com/waiter
  path: ./app
outputs:
  archive: true
-- app/go.mod --
module example.com/waiter

go 1.22
-- app/main.go --
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "nohandler" {
		fmt.Printf("ready %d\n", os.Getpid())
		time.Sleep(time.Hour)
	}
	c := make(chan os.Signal, 8)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	fmt.Printf("ready %d\n", os.Getpid())
	if len(os.Args) > 1 && os.Args[1] == "readline" {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		fmt.Printf("read: %q %v\n", strings.TrimSpace(line), err)
	}
	fmt.Printf("handler: %v\n", <-c)
	deadline := time.After(time.Second)
	for {
		select {
		case sig := <-c:
			fmt.Printf("handler: %v\n", sig)
		case <-deadline:
			os.Exit(3)
		}
	}
}
`))
	writeArchive(t, dir, ar)
}

// weldEnv is an environment of weld's own under dir: its cache, its
// TMPDIR (so that the test sees every temporary directory weld and go
// make) and no network. The TMPDIR entry also marks every process weld
// starts, since they inherit it (see tmpDirEntry).
func weldEnv(t *testing.T, dir, goCache string) []string {
	t.Helper()
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(dir, "home"),
		"GOPATH=" + filepath.Join(dir, "gopath"), "GOMODCACHE=" + filepath.Join(dir, "gopath", "pkg", "mod"),
		"GOCACHE=" + goCache, "GOPROXY=off", "GOFLAGS=-modcacherw", "GOTOOLCHAIN=local", "GOWORK=off",
		"WELD_CACHE=" + filepath.Join(dir, "weldcache"), "TMPDIR=" + tmp,
	}
}

// syncBuffer is a bytes.Buffer that weld's output goroutines and the test
// can use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// weldProcess is a running weld, in a process group of its own, as a shell
// starts a job.
type weldProcess struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	exited         chan struct{}
}

func startWeld(t *testing.T, weld, dir string, env []string, args ...string) *weldProcess {
	t.Helper()
	p := &weldProcess{exited: make(chan struct{})}
	p.cmd = exec.Command(weld, args...)
	p.cmd.Dir, p.cmd.Env = dir, env
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.exited
		}
	})
	return p
}

// waitFor polls cond until it holds, failing the test after timeout or if
// weld exits first.
func (p *weldProcess) waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		select {
		case <-p.exited:
			if cond() {
				return
			}
			t.Fatalf("weld exited (%v) before %s\nstdout:\n%s\nstderr:\n%s", p.cmd.ProcessState, what, p.stdout.String(), p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v\nstdout:\n%s\nstderr:\n%s", what, timeout, p.stdout.String(), p.stderr.String())
		}
	}
}

// exitCode waits for weld to exit and returns its exit code, failing the
// test if it was killed by a signal or still runs after timeout.
func (p *weldProcess) exitCode(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(timeout):
		t.Fatalf("weld still runs %v after the signal\nstdout:\n%s\nstderr:\n%s", timeout, p.stdout.String(), p.stderr.String())
	}
	ws := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		t.Fatalf("weld was killed by %v instead of exiting\nstdout:\n%s\nstderr:\n%s", ws.Signal(), p.stdout.String(), p.stderr.String())
	}
	return ws.ExitStatus()
}

// processesWithEnv lists the live processes whose environment holds
// entry, with their command names. An exited process awaiting its parent
// has no environment left, so it does not count.
func processesWithEnv(entry string) []string {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	var out []string
	for _, dir := range procs {
		env, err := os.ReadFile(filepath.Join(dir, "environ"))
		if err != nil || !bytes.Contains(append(append([]byte{0}, env...), 0), []byte("\x00"+entry+"\x00")) {
			continue
		}
		if pid, _ := strconv.Atoi(filepath.Base(dir)); pid == os.Getpid() {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join(dir, "comm"))
		out = append(out, fmt.Sprintf("%s (%s)", filepath.Base(dir), strings.TrimSpace(string(comm))))
	}
	return out
}

// processAlive reports whether pid is a running (not exited) process.
func processAlive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(data, ')')
	return i > 0 && len(data) > i+2 && data[i+2] != 'Z' && data[i+2] != 'X'
}

// tempEntries lists the .NAME.tmp-* entries anywhere under dir.
func tempEntries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(info.Name(), ".tmp-") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// tmpDirEntry returns the TMPDIR=... entry of env and its directory.
func tmpDirEntry(t *testing.T, env []string) (entry, dir string) {
	t.Helper()
	for _, e := range env {
		if d, ok := strings.CutPrefix(e, "TMPDIR="); ok {
			return e, d
		}
	}
	t.Fatal("no TMPDIR in the environment")
	return "", ""
}
