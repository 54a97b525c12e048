package outdir

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// run writes one output into dir, as a command does: a few files that
// all name the writer, so that a mix of two runs would show.
func run(rule Rule, dir, who string) error {
	p, err := rule.Begin(dir)
	if err != nil {
		return err
	}
	defer p.Abort()
	for i := range 3 {
		if err := os.WriteFile(filepath.Join(p.Tmp, fmt.Sprint("f", i)), []byte(who), 0o644); err != nil {
			return err
		}
	}
	return p.Commit()
}

// checkOneWriter fails unless dir holds exactly one run's output and no
// temporary directory is left beside it.
func checkOneWriter(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	writers := map[string]bool{}
	for _, e := range entries {
		if e.Name() == MarkerName {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writers[string(data)] = true
	}
	if len(entries) != 4 || len(writers) != 1 {
		t.Fatalf("%s holds %d entries from %d writers: %v", dir, len(entries), len(writers), writers)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".*.tmp-*")); len(left) > 0 {
		t.Fatalf("temporary directories left: %v", left)
	}
}

func race(t *testing.T, rule Rule, dir string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() {
			for j := range 5 {
				if err := run(rule, dir, fmt.Sprintf("run %d.%d", i, j)); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkOneWriter(t, dir)
}

// Concurrent runs into one directory all succeed, and the directory ends
// up as one run's complete output.
func TestConcurrentRuns(t *testing.T) {
	race(t, Rule{Command: "weld vendor"}, filepath.Join(t.TempDir(), "out"))
}

// Where directories cannot be locked, runs race between their renames;
// a rename that finds another run's output in place retries, so they
// still all succeed, and none reports "directory not empty".
func TestConcurrentRunsWithoutTheLock(t *testing.T) {
	lockParent = func(string) (func(), bool) { return func() {}, false }
	t.Cleanup(func() { lockParent = lockDir })
	race(t, Rule{Command: "weld vendor"}, filepath.Join(t.TempDir(), "out"))
}

// The same with processes, which is how two weld commands meet.
func TestConcurrentProcesses(t *testing.T) {
	if dir := os.Getenv("OUTDIR_TEST_WRITE"); dir != "" {
		for j := range 10 {
			if err := run(Rule{Command: "weld vendor"}, dir, fmt.Sprint(os.Getpid(), ".", j)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		return
	}
	dir := filepath.Join(t.TempDir(), "out")
	var cmds []*exec.Cmd
	for range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentProcesses$")
		cmd.Env = append(os.Environ(), "OUTDIR_TEST_WRITE="+dir)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(out.String())
			}
		})
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("a writer failed: %v", err)
		}
	}
	if !t.Failed() {
		checkOneWriter(t, dir)
	}
}

// Files that appear in the directory while a run is writing are not
// deleted: the run refuses at Commit and puts the directory back.
func TestCommitRechecks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	rule := Rule{Command: "weld vendor", Flag: "-o"}
	p, err := rule.Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort()
	write(t, filepath.Join(dir, "mine.txt"), "mine")
	err = p.Commit()
	if err == nil || !strings.Contains(err.Error(), "it holds files that weld did not write (mine.txt)") {
		t.Fatalf("got %v", err)
	}
	if got := tree(t, dir); got != "./\nmine.txt=mine" {
		t.Fatalf("the directory now holds\n%s", got)
	}
}
