package linkdeps

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
)

var (
	buildDir  string // shared by the tests, removed by TestMain
	buildMu   sync.Mutex
	buildMemo = map[string]string{} // key → binary, or "" + error
	buildErrs = map[string]error{}
)

func TestMain(m *testing.M) {
	var err error
	if buildDir, err = os.MkdirTemp("", "linkdeps-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(buildDir)
	os.Exit(code)
}

// goBuild builds the program in testdata/<prog> once per key with the
// extra environment and returns the binary's path. The tools it needs must
// have been checked by the caller.
func goBuild(t *testing.T, key, prog string, env ...string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := buildMemo[key]; ok {
		if err := buildErrs[key]; err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := filepath.Join(buildDir, key)
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, ".")
	cmd.Dir = filepath.Join("testdata", prog)
	cmd.Env = append(os.Environ(), append([]string{"GOWORK=off", "GOFLAGS=-buildvcs=false", "GOTOOLCHAIN=local"}, env...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		buildErrs[key] = fmt.Errorf("go build %s (%s): %v\n%s", prog, strings.Join(env, " "), err, b)
	}
	buildMemo[key] = out
	if err := buildErrs[key]; err != nil {
		t.Fatal(err)
	}
	return out
}

// mingw is one mingw-w64 thread model.
type mingw struct{ cc, cxx string }

var (
	mingwPosix = mingw{"x86_64-w64-mingw32-gcc-posix", "x86_64-w64-mingw32-g++-posix"}
	mingwWin32 = mingw{"x86_64-w64-mingw32-gcc-win32", "x86_64-w64-mingw32-g++-win32"}
)

// windowsCxx builds testdata/cxx for windows/amd64 with the thread model's
// compilers, skipping (or failing under CI) when they are missing.
func windowsCxx(t *testing.T, m mingw) string {
	t.Helper()
	tooltest.Need(t, m.cc, m.cxx)
	return goBuild(t, "cxx-"+filepath.Base(m.cxx)+".exe", "cxx",
		"GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=1", "CC="+m.cc, "CXX="+m.cxx)
}

func baseNames(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}
