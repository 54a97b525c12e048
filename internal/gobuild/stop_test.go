//go:build linux

package gobuild

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRunStopsProcessGroup cancels a go command that has started a child
// of its own, as go build starts compile and link: both must be gone when
// Run returns, and Run must return promptly even if the child ignores
// SIGINT.
func TestRunStopsProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	// A stand-in for go: it starts a child that ignores SIGINT (so only
	// the SIGKILL after the grace period stops it) and waits.
	fakeGo := filepath.Join(dir, "go")
	script := "#!/bin/sh\nsh -c 'trap \"\" INT; echo $$ > " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile + "; sleep 600; sleep 600' &\nwait\n"
	if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r := &Runner{Go: fakeGo, Env: os.Environ()}
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan error, 1)
	go func() {
		_, err := r.Run(ctx, Call{Dir: dir, Args: []string{"build"}})
		returned <- err
	}()
	var child int
	for deadline := time.Now().Add(time.Minute); child == 0; time.Sleep(10 * time.Millisecond) {
		if data, err := os.ReadFile(pidFile); err == nil {
			child, _ = strconv.Atoi(strings.TrimSpace(string(data)))
		}
		if time.Now().After(deadline) {
			t.Fatal("the fake go command did not start its child")
		}
	}
	cancel()
	select {
	case err := <-returned:
		if err == nil {
			t.Error("Run of a cancelled command returned no error")
		}
	case <-time.After(time.Minute):
		t.Fatal("Run still waits a minute after its context was cancelled")
	}
	if alive(child) {
		t.Errorf("the go command's child %d still runs after Run returned", child)
	}
}

// alive reports whether pid runs: it exists and has not exited.
func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndex(s, ")")+1:])
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}
