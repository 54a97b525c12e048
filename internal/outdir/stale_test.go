//go:build unix

package outdir

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/atomicfile/atomictest"
)

// A run killed before it finished leaves its temporary directory; the
// next run removes it, but never a live run's, in this process or another.
func TestStaleTemporaryDirectories(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	rule := Rule{Command: "weld vendor"}
	dead := atomictest.DeadWriterDir(t, root, "out")
	otherProcess := atomictest.LiveWriterDir(t, root, "out")
	live, err := rule.Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	if atomictest.Exists(t, dead) {
		t.Errorf("the dead run's %s is still there", filepath.Base(dead))
	}
	if !atomictest.Exists(t, otherProcess) {
		t.Errorf("the live run's %s, in another process, was removed", filepath.Base(otherProcess))
	}
	other, err := rule.Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Abort()
	if !atomictest.Exists(t, live.Tmp) {
		t.Errorf("a live run's directory, in this process, was removed")
	}
}

// A weld killed (SIGKILL) between Begin and Commit leaves its temporary
// directory; the next run's Begin removes it and the output is written.
func TestRunAfterKilledRun(t *testing.T) {
	if dir := os.Getenv("OUTDIR_TEST_KILLED_RUN"); dir != "" {
		p, err := Rule{Command: "weld vendor"}.Begin(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		write(t, filepath.Join(p.Tmp, "half"), "x")
		fmt.Println("writing")
		time.Sleep(time.Minute) // killed here
		os.Exit(1)
	}
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	atomictest.KillWhen(t, "TestRunAfterKilledRun", "writing", "OUTDIR_TEST_KILLED_RUN="+dir)
	left, _ := filepath.Glob(filepath.Join(root, ".out.tmp-*"))
	if len(left) != 1 {
		t.Fatalf("the killed run left %v, want one temporary directory", left)
	}
	if err := run(Rule{Command: "weld vendor"}, dir, "next"); err != nil {
		t.Fatal(err)
	}
	checkOneWriter(t, dir)
}
