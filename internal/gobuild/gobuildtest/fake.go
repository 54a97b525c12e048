// Package gobuildtest has a fake go command for the unit tests of the
// stages: it answers go version and go env from fields, records every
// other command, and runs go build and other commands only as the test
// says. A test that uses it runs no toolchain, so orchestration and lock
// policy are tested in milliseconds; the end-to-end tests run the real go.
package gobuildtest

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"

	"github.com/weldgo/weld/internal/gobuild"
)

// ErrRefused is what the fake answers to a command the test did not
// provide for.
var ErrRefused = errors.New("the fake go command runs nothing")

// Fake is a go command. The zero value refuses every command but go
// version (empty) and go env.
type Fake struct {
	GoVersion string
	// Toolchain is go env GOTOOLCHAIN.
	Toolchain string
	Env       []string
	// OnBuild, when set, runs for go build (for example, to write the
	// output); otherwise go build is refused.
	OnBuild func(req gobuild.Request) error
	// OnRun, when set, answers other go commands; otherwise they are
	// refused.
	OnRun func(c gobuild.Call) ([]byte, error)

	log *commandLog
}

type commandLog struct {
	mu  sync.Mutex
	ran []string
}

var _ gobuild.GoCommand = (*Fake)(nil)

func (f *Fake) record(what string) {
	if f.log == nil {
		f.log = &commandLog{}
	}
	f.log.mu.Lock()
	defer f.log.mu.Unlock()
	f.log.ran = append(f.log.ran, what)
}

// Commands lists the commands run so far, by this fake and every fake
// made from it With more environment.
func (f *Fake) Commands() []string {
	if f.log == nil {
		return nil
	}
	f.log.mu.Lock()
	defer f.log.mu.Unlock()
	return append([]string(nil), f.log.ran...)
}

// Run records the command and answers with OnRun.
func (f *Fake) Run(_ context.Context, c gobuild.Call) ([]byte, error) {
	f.record("go " + strings.Join(c.Args, " "))
	if f.OnRun == nil {
		return nil, ErrRefused
	}
	return f.OnRun(c)
}

// Build records the build and runs OnBuild.
func (f *Fake) Build(_ context.Context, req gobuild.Request) error {
	f.record("go build " + req.Package + " for " + req.Target.String())
	if f.OnBuild == nil {
		return ErrRefused
	}
	return f.OnBuild(req)
}

// Getenv is the last value of key in Env.
func (f *Fake) Getenv(key string) string {
	for i := len(f.Env) - 1; i >= 0; i-- {
		if k, v, _ := strings.Cut(f.Env[i], "="); k == key {
			return v
		}
	}
	return ""
}

// GoEnv answers GOTOOLCHAIN from Toolchain, anything else from Env.
func (f *Fake) GoEnv(_ context.Context, key string) (string, error) {
	if key == "GOTOOLCHAIN" {
		return f.Toolchain, nil
	}
	return f.Getenv(key), nil
}

// Version is GoVersion.
func (f *Fake) Version(context.Context) (string, error) { return f.GoVersion, nil }

// Environ is Env.
func (f *Fake) Environ() []string { return f.Env }

// Verbosity is nil: the fake is quiet.
func (f *Fake) Verbosity() io.Writer { return nil }

// With is a fake with env added, sharing this one's command log.
func (f *Fake) With(env ...string) gobuild.GoCommand {
	if f.log == nil {
		f.log = &commandLog{}
	}
	cp := *f
	cp.Env = append(append([]string(nil), f.Env...), env...)
	return &cp
}
