// Package winetest runs Windows programs under Wine in tests.
//
// Debian 12's Wine 8 needs two things a test would otherwise trip on:
//
//   - Go 1.22+ programs abort at start-up with "bcryptprimitives.dll not
//     found" because Wine 8 lacks that DLL; NewPrefix installs a stub
//     (stub/bcryptprimitives.c, built with mingw gcc) into the prefix's
//     System32. Beside the .exe it does not help: the runtime loads it
//     from System32 only.
//   - With WINEDEBUG=-all a missing DLL is silent: the program just exits
//     with status 53. And Wine serves some DLLs as builtins (zlib1.dll,
//     since Debian's libwine depends on libz-mingw-w64), so a program can
//     run under Wine without a DLL it needs on Windows. To prove that DLLs
//     are bundled, use ones Wine lacks, such as libstdc++-6.dll,
//     libgcc_s_seh-1.dll and libwinpthread-1.dll.
//
// Each Prefix is a fresh WINEPREFIX in a test's temporary directory
// (about 700 MB; initializing it takes 10–60 s). Every wine command runs
// under timeout -s KILL, because a hung wine process may ignore SIGTERM.
package winetest

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
)

// StubSource is the C source of the bcryptprimitives.dll stub.
//
//go:embed stub/bcryptprimitives.c
var StubSource []byte

// DefaultCC is the mingw-w64 C compiler BuildStub uses when given none.
const DefaultCC = "x86_64-w64-mingw32-gcc"

// BuildStub compiles the bcryptprimitives.dll stub with the mingw-w64 C
// compiler cc (DefaultCC when empty) into dir and returns its path.
func BuildStub(cc, dir string) (string, error) {
	if cc == "" {
		cc = DefaultCC
	}
	src := filepath.Join(dir, "bcryptprimitives.c")
	dll := filepath.Join(dir, "bcryptprimitives.dll")
	if err := os.WriteFile(src, StubSource, 0o644); err != nil {
		return "", fmt.Errorf("building bcryptprimitives.dll stub: %w", err)
	}
	argv := append(strings.Fields(cc), "-O2", "-shared", "-o", dll, src, "-lbcrypt", "-Wl,--kill-at")
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("building bcryptprimitives.dll stub with %s: %v\n%s", cc, err, out)
	}
	return dll, nil
}

// InstallStub copies the stub DLL into an initialized prefix's System32.
func InstallStub(prefix, dll string) error {
	data, err := os.ReadFile(dll)
	if err != nil {
		return fmt.Errorf("installing bcryptprimitives.dll stub: %w", err)
	}
	sys32 := filepath.Join(prefix, "drive_c", "windows", "system32")
	if _, err := os.Stat(sys32); err != nil {
		return fmt.Errorf("installing bcryptprimitives.dll stub: prefix %s is not initialized: %w", prefix, err)
	}
	if err := os.WriteFile(filepath.Join(sys32, "bcryptprimitives.dll"), data, 0o644); err != nil {
		return fmt.Errorf("installing bcryptprimitives.dll stub: %w", err)
	}
	return nil
}

// FindWine returns the wine program: wine (Debian's wrapper, which picks
// wine64 when there is no 32-bit wine), else wine64 in PATH, else
// /usr/lib/wine/wine64.
func FindWine() (string, error) {
	for _, name := range []string{"wine", "wine64", "/usr/lib/wine/wine64"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("wine not found: install wine and wine64 (apt-get install wine wine64)")
}

// Prefix is an initialized Wine prefix with the stub installed.
type Prefix struct {
	Dir  string // WINEPREFIX
	Wine string // the wine program
	// Tmp is TMPDIR for wine, where wineserver keeps its socket directory
	// (otherwise /tmp/wine-XXXXXX, left behind); empty means inherited.
	Tmp string
}

// NewPrefix creates, initializes and prepares a prefix in t's temporary
// directory and stops its wineserver when t ends. A missing wine,
// wineserver, timeout or mingw gcc skips the test, or fails it under
// CI=true.
func NewPrefix(t testing.TB) *Prefix {
	t.Helper()
	wine, err := FindWine()
	if err != nil {
		tooltest.Missing(t, "%v", err)
	}
	tooltest.Need(t, "timeout", "wineserver", DefaultCC)
	tmp := t.TempDir()
	dll, err := BuildStub("", tmp)
	if err != nil {
		t.Fatal(err)
	}
	p := &Prefix{Dir: filepath.Join(tmp, "prefix"), Wine: wine, Tmp: filepath.Join(tmp, "tmp")}
	if err := os.Mkdir(p.Tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd := exec.Command("timeout", "-s", "KILL", "60", "wineserver", "-k")
		cmd.Env = p.Env()
		cmd.Run() // nothing to stop is fine
	})
	start := time.Now()
	res, err := p.Run(5*time.Minute, "", "wineboot", "--init")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("initializing wine prefix %s: %v, exit %d\n%s%s", p.Dir, err, res.ExitCode, res.Stdout, res.Stderr)
	}
	t.Logf("wine prefix initialized in %v", time.Since(start).Round(time.Second))
	if err := InstallStub(p.Dir, dll); err != nil {
		t.Fatal(err)
	}
	return p
}

// Env is the environment wine commands run with: the process environment
// with WINEPREFIX (and TMPDIR) set, Wine's debug output off and the
// prompts to install Mono and Gecko disabled.
func (p *Prefix) Env() []string {
	env := append(os.Environ(), "WINEPREFIX="+p.Dir, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=")
	if p.Tmp != "" {
		env = append(env, "TMPDIR="+p.Tmp)
	}
	return env
}

// Result is how a wine run ended.
type Result struct {
	Stdout, Stderr string
	ExitCode       int // the Windows program's exit status; 53 often means a missing DLL
}

// Run runs program (a host path or a Windows program name such as
// "wineboot") with args under wine, in dir (program's directory when dir
// is ""), killing it after limit. A non-zero exit status is not an error;
// failing to start wine or the time limit is.
func (p *Prefix) Run(limit time.Duration, dir, program string, args ...string) (Result, error) {
	if dir == "" && filepath.IsAbs(program) {
		dir = filepath.Dir(program)
	}
	secs := max(1, int(limit.Seconds())) // timeout 0 would mean no limit
	argv := append([]string{"-s", "KILL", strconv.Itoa(secs), p.Wine, program}, args...)
	cmd := exec.Command("timeout", argv...)
	cmd.Dir = dir
	cmd.Env = p.Env()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 137:
		return res, fmt.Errorf("running %s under wine: killed after %v", filepath.Base(program), limit)
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	case err != nil:
		return res, fmt.Errorf("running %s under wine: %w", filepath.Base(program), err)
	}
	return res, nil
}
