package winetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
)

// TestPrefix runs a pure Go Windows program in a fresh prefix, then shows
// that the stub is what makes it start.
func TestPrefix(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: initializing a wine prefix takes 10-60 s")
	}
	tooltest.Need(t, "go")
	p := NewPrefix(t)

	dir := t.TempDir()
	src := "package main\n\nimport (\"fmt\"; \"math/rand/v2\"; \"runtime\")\n\nfunc main() { _ = rand.Int(); fmt.Println(\"hello from\", runtime.GOOS) }\n"
	for name, data := range map[string]string{"go.mod": "module example.com/hello\n\ngo 1.26\n", "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(dir, "hello.exe")
	cmd := exec.Command("go", "build", "-o", exe, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-buildvcs=false", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	res, err := p.Run(2*time.Minute, "", exe)
	if err != nil || res.ExitCode != 0 || res.Stdout != "hello from windows\n" {
		t.Fatalf("wine hello.exe: %v, exit %d, stdout %q, stderr %q", err, res.ExitCode, res.Stdout, res.Stderr)
	}

	stub := filepath.Join(p.Dir, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	saved, err := os.ReadFile(stub)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(stub); err != nil {
		t.Fatal(err)
	}
	res, err = p.Run(2*time.Minute, "", exe)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode == 0 || !strings.Contains(res.Stderr, "bcryptprimitives.dll not found") {
		t.Logf("without the stub: exit %d, stderr %q (a newer wine may not need it)", res.ExitCode, res.Stderr)
	}
	if err := os.WriteFile(stub, saved, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBuildStubBadCompiler(t *testing.T) {
	_, err := BuildStub("no-such-mingw-gcc", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "no-such-mingw-gcc") {
		t.Errorf("BuildStub with a missing compiler = %v", err)
	}
}
