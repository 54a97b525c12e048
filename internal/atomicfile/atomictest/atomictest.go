// Package atomictest lays out the temporary directories that other weld
// processes leave beside an output, so that a package's tests can show
// that a dead writer's leftovers are removed and a live writer's are kept.
// It runs sleep(1), so its callers are unix tests.
package atomictest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/weldgo/weld/internal/atomicfile"
)

// DeadWriterDir makes, in dir, a temporary directory of base named for a
// process that has exited (a weld killed mid-write), with a file in it,
// and returns its path.
func DeadWriterDir(t testing.TB, dir, base string) string {
	t.Helper()
	writer := sleeper(t)
	// The name needs the writer's start time, read while it runs.
	name := atomicfile.TempName(base, writer.Process.Pid, "1")
	writer.Process.Kill()
	writer.Wait()
	return mkdirWithFile(t, filepath.Join(dir, name))
}

// LiveWriterDir makes, in dir, a temporary directory of base named for a
// process that runs until the test ends (a concurrent weld still
// writing), with a file in it, and returns its path.
func LiveWriterDir(t testing.TB, dir, base string) string {
	t.Helper()
	writer := sleeper(t)
	t.Cleanup(func() { writer.Process.Kill(); writer.Wait() })
	return mkdirWithFile(t, filepath.Join(dir, atomicfile.TempName(base, writer.Process.Pid, "2")))
}

func sleeper(t testing.TB) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting a stand-in writer process: %v", err)
	}
	return cmd
}

func mkdirWithFile(t testing.TB, path string) string {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "half-written"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Exists reports whether path is there, failing the test on any error
// other than its absence.
func Exists(t testing.TB, path string) bool {
	t.Helper()
	_, err := os.Lstat(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return err == nil
}

// KillWhen runs the test named test of this test binary as a child
// process with env added, reads the first line it prints, and kills it
// then: a writer stopped in the middle of its work, as by SIGKILL or a
// power cut. The child says what it is doing, want, once it is midway.
func KillWhen(t testing.TB, test, want string, env ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if line != want+"\n" {
		t.Fatalf("the child process said %q, want %q", line, want)
	}
}
