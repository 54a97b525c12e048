// Package gobuild runs the Go toolchain with an explicit environment. Every
// go command weld runs goes through a Runner, so the environment it sees
// (GOPROXY, GOFLAGS, GOTOOLCHAIN, GOOS, CGO_ENABLED, ...) is decided in one
// place and can be shown with -v.
package gobuild

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/weldgo/weld/internal/textlimit"
)

// Runner runs go commands.
type Runner struct {
	// Go is the go command to run; "go" from PATH when empty.
	Go string
	// Env is the base environment, usually os.Environ(). Per-call
	// variables are appended to it and win over it.
	Env []string
	// Verbose, when set, receives every command line and the toolchain's
	// own output as it runs.
	Verbose io.Writer

	envFileOnce sync.Once
	envFile     goEnvFile
}

// GoCommand is the go command as weld's stages use it. *Runner runs the
// real one; a test can give a fake, so that orchestration and lock policy
// are tested without a toolchain.
type GoCommand interface {
	// Run runs one go command and returns its standard output.
	Run(ctx context.Context, c Call) ([]byte, error)
	// Build runs go build for one composed main package.
	Build(ctx context.Context, req Request) error
	// Getenv is a variable as the go command sees it.
	Getenv(key string) string
	// GoEnv is `go env KEY`.
	GoEnv(ctx context.Context, key string) (string, error)
	// Version is the go command's version, such as go1.26.8.
	Version(ctx context.Context) (string, error)
	// Environ is the base environment, for the C tools run beside go.
	Environ() []string
	// Verbosity receives command lines and tool output; nil when quiet.
	Verbosity() io.Writer
	// With is the same command with env added to its base environment.
	With(env ...string) GoCommand
}

var _ GoCommand = (*Runner)(nil)

// With returns a runner like r whose base environment also has env (which
// wins over r's): a session that switches toolchains changes its own
// runner, never one that others share.
func (r *Runner) With(env ...string) GoCommand {
	nr := &Runner{Go: r.Go, Env: append(append([]string(nil), r.Env...), env...), Verbose: r.Verbose}
	if nr.environ("GOENV") == r.environ("GOENV") {
		// The same go env file: share what r read of it.
		f := r.goEnvFile()
		nr.envFileOnce.Do(func() { nr.envFile = *f })
	}
	return nr
}

// Environ returns the base environment (os.Environ when Env is nil).
func (r *Runner) Environ() []string {
	if r.Env == nil {
		return os.Environ()
	}
	return r.Env
}

// Verbosity returns where verbose output goes, or nil.
func (r *Runner) Verbosity() io.Writer { return r.Verbose }

// Error is a failed go command, with what it printed on stderr.
type Error struct {
	Args []string
	Dir  string
	// Stderr is the start of what the command printed on stderr, within
	// maxStderrLines and maxStderrBytes; a last line says how much was
	// left out.
	Stderr string
	Err    error
}

// The bounds of a go command's error text. A failed build of a thousand
// packages can print megabytes; the start says what went wrong.
const (
	maxStderrLines = 100
	maxStderrBytes = 16 << 10
	maxErrorArgs   = 24
	maxErrorArgLen = 2 << 10
)

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = e.Err.Error()
	}
	// Run has already bounded Stderr; the arguments are bounded here.
	args := textlimit.Clip(textlimit.Join(e.Args, " ", maxErrorArgs), maxErrorArgLen)
	return fmt.Sprintf("go %s: %s", args, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Call describes one go command.
type Call struct {
	Dir  string
	Args []string
	Env  []string // extra KEY=VALUE, appended to Runner.Env
}

// Run runs the call and returns its standard output.
func (r *Runner) Run(ctx context.Context, c Call) ([]byte, error) {
	goCmd := r.Go
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.CommandContext(ctx, goCmd, c.Args...)
	defer stopOnCancel(cmd)()
	cmd.Dir = c.Dir
	// GOWORK=off: the lock, not a go.work around the app or named in the
	// environment, decides which copy of each module is built.
	cmd.Env = append(append(append([]string(nil), r.Env...), "GOWORK=off"), c.Env...)
	var stdout bytes.Buffer
	stderr := &textlimit.Head{MaxLines: maxStderrLines, MaxBytes: maxStderrBytes}
	cmd.Stdout = &stdout
	cmd.Stderr = stderr
	if r.Verbose != nil {
		fmt.Fprintf(r.Verbose, "+ cd %s; %s go %s\n", c.Dir, strings.Join(c.Env, " "), strings.Join(c.Args, " "))
		cmd.Stderr = io.MultiWriter(stderr, r.Verbose)
	}
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &Error{Args: c.Args, Dir: c.Dir, Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}

// Getenv returns the value of key as the go command sees it: from the
// runner's base environment (the process environment when Env is nil) or,
// for a go variable that is unset or empty there, from the go env file
// that `go env -w` writes. Cache keys and checks of the user's settings
// read it, so a setting made with go env -w counts like one in the
// environment.
func (r *Runner) Getenv(key string) string {
	if v := r.environ(key); v != "" || !isGoVariable(key) {
		return v
	}
	return r.goEnvFile().values[key]
}

// environ returns key from the base environment alone.
func (r *Runner) environ(key string) string {
	for i := len(r.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(r.Env[i], "="); ok && k == key {
			return v
		}
	}
	if r.Env == nil {
		return os.Getenv(key)
	}
	return ""
}

// GoEnv returns `go env KEY` as the runner's go command sees it.
func (r *Runner) GoEnv(ctx context.Context, key string) (string, error) {
	out, err := r.Run(ctx, Call{Args: []string{"env", key}})
	return strings.TrimSpace(string(out)), err
}

// Version returns the go command's version, such as go1.26.8. It reads the
// VERSION file of the GOROOT the go command on PATH belongs to, which costs
// nothing, and asks `go env GOVERSION` only when there is no such file or
// when GOTOOLCHAIN names another toolchain.
func (r *Runner) Version(ctx context.Context) (string, error) {
	if tc := r.Getenv("GOTOOLCHAIN"); tc == "" || tc == "local" || tc == "auto" || strings.HasPrefix(tc, "local+") {
		if v, ok := r.rootVersion(); ok {
			return v, nil
		}
	}
	return r.GoEnv(ctx, "GOVERSION")
}

func (r *Runner) rootVersion() (string, bool) {
	goCmd := r.Go
	if goCmd == "" {
		goCmd = "go"
	}
	path, err := exec.LookPath(goCmd)
	if err != nil {
		return "", false
	}
	if path, err = filepath.EvalSymlinks(path); err != nil {
		return "", false
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(path)), "VERSION"))
	if err != nil {
		return "", false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	if !strings.HasPrefix(line, "go1.") {
		return "", false
	}
	return strings.TrimSpace(line), true
}
