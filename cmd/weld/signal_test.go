//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var readyLine = regexp.MustCompile(`(?m)^ready (\d+)$`)

// TestRunForwardsSignals runs a program with weld run and stops weld as a
// user, a service manager or a closed terminal would: the program's
// handler runs exactly once, and weld exits with the program's status.
func TestRunForwardsSignals(t *testing.T) {
	requireTool(t, "go")
	dir := t.TempDir()
	weld := buildWeldBinary(t, dir)
	proj := filepath.Join(dir, "proj")
	signalProject(t, proj)
	env := weldEnv(t, dir, goEnv(t, "GOCACHE"))
	tests := []struct {
		description string
		args        []string
		signal      syscall.Signal
		to          string // "weld", "group" (weld's whole process group) or "program"
		handled     string // the program's one handler line; "" if it has none
		exit        int
	}{
		{"SIGTERM to weld alone", nil, syscall.SIGTERM, "weld", "handler: terminated", 3},
		{"SIGINT to the group, as Ctrl-C sends it", nil, syscall.SIGINT, "group", "handler: interrupt", 3},
		{"SIGHUP to weld alone", nil, syscall.SIGHUP, "weld", "handler: hangup", 3},
		{"SIGTERM to the group", nil, syscall.SIGTERM, "group", "handler: terminated", 3},
		{"program without handler dies of the forwarded SIGTERM", []string{"nohandler"}, syscall.SIGTERM, "weld", "", 128 + 15},
		{"program killed by SIGKILL", []string{"nohandler"}, syscall.SIGKILL, "program", "", 128 + 9},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			p := startWeld(t, weld, proj, env, append([]string{"run", "--"}, tt.args...)...)
			p.waitFor(t, "ready line from the program", 5*time.Minute, func() bool { return readyLine.MatchString(p.stdout.String()) })
			program, _ := strconv.Atoi(readyLine.FindStringSubmatch(p.stdout.String())[1])
			switch tt.to {
			case "weld":
				syscall.Kill(p.cmd.Process.Pid, tt.signal)
			case "group":
				syscall.Kill(-p.cmd.Process.Pid, tt.signal)
			case "program":
				syscall.Kill(program, tt.signal)
			}
			code := p.exitCode(t, time.Minute)
			out := p.stdout.String()
			if code != tt.exit {
				t.Errorf("weld exited %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.exit, out, p.stderr.String())
			}
			handled := regexp.MustCompile(`(?m)^handler: .*$`).FindAllString(out, -1)
			if tt.handled == "" && len(handled) > 0 || tt.handled != "" && (len(handled) != 1 || handled[0] != tt.handled) {
				t.Errorf("the program's handler printed %q, want it once: %q", handled, tt.handled)
			}
			if processAlive(program) {
				t.Errorf("weld exited and left the program (pid %d) running", program)
				syscall.Kill(program, syscall.SIGKILL)
			}
		})
	}
}

// TestBuildStopsOnSignal stops weld build while go build compiles: weld
// stops the go command and its compilers, removes its temporary files and
// work directory, and exits 128+N with one line.
func TestBuildStopsOnSignal(t *testing.T) {
	requireTool(t, "go")
	dir := t.TempDir()
	weld := buildWeldBinary(t, dir)
	tests := []struct {
		sig  syscall.Signal
		to   string
		exit int
		line string
	}{
		{syscall.SIGTERM, "weld", 143, "weld: interrupted (SIGTERM); removed temporary files"},
		{syscall.SIGINT, "group", 130, "weld: interrupted (SIGINT); removed temporary files"},
		{syscall.SIGHUP, "weld", 129, "weld: interrupted (SIGHUP); removed temporary files"},
	}
	for _, tt := range tests {
		t.Run(tt.sig.String()+" to "+tt.to, func(t *testing.T) {
			sub := t.TempDir()
			proj := filepath.Join(sub, "proj")
			signalProject(t, proj)
			// An empty build cache makes go build compile the standard
			// library, which gives the signal time to arrive mid-build.
			env := weldEnv(t, sub, filepath.Join(sub, "gocache"))
			marker, tmp := tmpDirEntry(t, env)
			p := startWeld(t, weld, proj, env, "build")
			outDir := filepath.Join(proj, "dist", "waiter_linux_amd64")
			p.waitFor(t, "compiler running and temporary output in dist", 5*time.Minute, func() bool {
				if len(tempEntries(t, outDir)) == 0 {
					return false
				}
				for _, proc := range processesWithEnv(marker) {
					if strings.HasSuffix(proc, "(compile)") {
						return true
					}
				}
				return false
			})
			sent := time.Now()
			if tt.to == "group" {
				syscall.Kill(-p.cmd.Process.Pid, tt.sig)
			} else {
				syscall.Kill(p.cmd.Process.Pid, tt.sig)
			}
			code := p.exitCode(t, time.Minute)
			t.Logf("weld exited %d, %v after %v", code, time.Since(sent).Round(time.Millisecond), tt.sig)
			if code != tt.exit {
				t.Errorf("weld exited %d, want %d\nstderr:\n%s", code, tt.exit, p.stderr.String())
			}
			if last := lastLine(p.stderr.String()); last != tt.line {
				t.Errorf("weld's last line is %q, want %q", last, tt.line)
			}
			// A process killed as weld exits may take a moment to go on
			// a busy machine (the kernel delivers the kill, init reaps
			// it); one that is still there after seconds was left.
			left := processesWithEnv(marker)
			for deadline := time.Now().Add(5 * time.Second); len(left) > 0 && time.Now().Before(deadline); left = processesWithEnv(marker) {
				time.Sleep(50 * time.Millisecond)
			}
			if len(left) > 0 {
				t.Errorf("processes weld started still run 5s after it exited: %v", left)
				for _, proc := range left {
					pid, _ := strconv.Atoi(strings.Fields(proc)[0])
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
			if left := tempEntries(t, filepath.Join(proj, "dist")); len(left) > 0 {
				t.Errorf("temporary outputs left in dist: %v", left)
			}
			if left := dirEntries(t, tmp); len(left) > 0 {
				t.Errorf("temporary directories left in TMPDIR: %v", left)
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestStaleTempFiles kills weld build with SIGKILL, which no program can
// clean up after, and checks that the next build removes the temporary
// files the killed one left, and only those: a temporary file of a
// process that still runs is another build's, in progress.
func TestStaleTempFiles(t *testing.T) {
	requireTool(t, "go")
	dir := t.TempDir()
	weld := buildWeldBinary(t, dir)
	proj := filepath.Join(dir, "proj")
	signalProject(t, proj)
	env := weldEnv(t, dir, filepath.Join(dir, "gocache"))
	marker, tmp := tmpDirEntry(t, env)
	outDir := filepath.Join(proj, "dist", "waiter_linux_amd64")

	p := startWeld(t, weld, proj, env, "build")
	p.waitFor(t, "temporary output in dist", 5*time.Minute, func() bool { return len(tempEntries(t, outDir)) > 0 })
	// kill -9 of weld and of everything it started, as a machine's OOM
	// killer or a CI runner's timeout does.
	syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
	for {
		left := processesWithEnv(marker)
		if len(left) == 0 {
			break
		}
		for _, proc := range left {
			pid, _ := strconv.Atoi(strings.Fields(proc)[0])
			syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
	killed := tempEntries(t, outDir)
	if len(killed) == 0 {
		t.Fatal("the killed build left no temporary output to clean up")
	}

	// A build in progress elsewhere: its writer, a live process, is named
	// in its temporary files, which must survive.
	live := exec.Command("sleep", "600")
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Process.Kill(); live.Wait() })
	liveOwner := strconv.Itoa(live.Process.Pid) + "-" + procStartTime(t, live.Process.Pid)
	liveFiles := []string{
		filepath.Join(outDir, ".waiter.tmp-"+liveOwner+"-1"),
		filepath.Join(proj, "dist", ".waiter_0.0.0_linux_amd64.tar.gz.tmp-"+liveOwner+"-2"),
	}
	// A build that died after writing the archive's temporary file.
	dead := exec.Command("true")
	if err := dead.Start(); err != nil {
		t.Fatal(err)
	}
	deadOwner := strconv.Itoa(dead.Process.Pid) + "-" + procStartTime(t, dead.Process.Pid)
	dead.Wait()
	staleArchive := filepath.Join(proj, "dist", ".waiter_0.0.0_linux_amd64.tar.gz.tmp-"+deadOwner+"-3")
	for _, f := range append(liveFiles, staleArchive) {
		if err := os.WriteFile(f, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	killedWork := dirEntries(t, tmp)
	if len(killedWork) == 0 {
		t.Fatal("the killed build left no work directory in TMPDIR")
	}
	for i, e := range env {
		if strings.HasPrefix(e, "GOCACHE=") {
			env[i] = "GOCACHE=" + goEnv(t, "GOCACHE") // the second build need not be slow
		}
	}
	p = startWeld(t, weld, proj, env, "build")
	if code := p.exitCode(t, 10*time.Minute); code != 0 {
		t.Fatalf("the next build exited %d\n%s", code, p.stderr.String())
	}
	got := tempEntries(t, filepath.Join(proj, "dist"))
	sort.Strings(got)
	sort.Strings(liveFiles)
	if !slices.Equal(got, liveFiles) {
		t.Errorf("after the next build, dist holds the temporary files\n%s\nwant only the live build's\n%s\n(the killed build left %v)",
			strings.Join(got, "\n"), strings.Join(liveFiles, "\n"), killed)
	}
	if left := dirEntries(t, tmp); len(left) > 0 {
		t.Errorf("after the next build, TMPDIR holds %v; the killed build left %v there", left, killedWork)
	}
}

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// procStartTime reads a process's start time (field 22 of /proc/PID/stat).
func procStartTime(t *testing.T, pid int) string {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return f[19]
}
