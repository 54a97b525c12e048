package gobuild

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGetenv(t *testing.T) {
	t.Setenv("WELD_TEST_PROCESS", "from-process")
	envFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(envFile, []byte("GOFLAGS=-gcflags=-N\nGOAMD64=v3\nCGO_CFLAGS=-O0\nWELD_X=1\n# comment\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	goenv := "GOENV=" + envFile
	tests := []struct {
		description string
		env         []string
		key         string
		want        string
	}{
		{"found", []string{"A=1", "B=2"}, "B", "2"},
		{"last one wins", []string{"A=1", "A=2", "B=3"}, "A", "2"},
		{"empty value set explicitly", []string{"A=1", "A="}, "A", ""},
		{"value with =", []string{"GOFLAGS=-ldflags=-s"}, "GOFLAGS", "-ldflags=-s"},
		{"prefix of another key", []string{"GOFLAGSX=1", "GOENV=off"}, "GOFLAGS", ""},
		{"go env -w setting", []string{goenv}, "GOAMD64", "v3"},
		{"go env -w cgo setting", []string{goenv}, "CGO_CFLAGS", "-O0"},
		{"the environment wins over go env -w", []string{goenv, "GOFLAGS=-p=1"}, "GOFLAGS", "-p=1"},
		{"an empty variable falls back to go env -w, as in go", []string{goenv, "GOFLAGS="}, "GOFLAGS", "-gcflags=-N"},
		{"the go env file holds only go variables", []string{goenv}, "WELD_X", ""},
		{"GOENV=off", []string{"GOENV=off"}, "GOAMD64", ""},
		{"entry without =", []string{"A"}, "A", ""},
		{"runner env hides the process env", []string{"A=1"}, "WELD_TEST_PROCESS", ""},
		{"empty runner env hides the process env", []string{}, "WELD_TEST_PROCESS", ""},
		{"nil runner env reads the process env", nil, "WELD_TEST_PROCESS", "from-process"},
		{"runner env overrides the process env", []string{"WELD_TEST_PROCESS=runner"}, "WELD_TEST_PROCESS", "runner"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			r := &Runner{Env: tt.env}
			if got := r.Getenv(tt.key); got != tt.want {
				t.Errorf("Getenv(%q) with Env %q = %q, want %q", tt.key, tt.env, got, tt.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		description string
		input       *Error
		want        string
	}{
		{"stderr", &Error{Args: []string{"build", "./x"}, Stderr: "  x.go:1: syntax error\n", Err: errString("exit status 1")},
			"go build ./x: x.go:1: syntax error"},
		{"no stderr", &Error{Args: []string{"env"}, Err: errString("exit status 2")}, "go env: exit status 2"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := tt.input.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if tt.input.Unwrap() != tt.input.Err {
				t.Error("Unwrap does not return Err")
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }
