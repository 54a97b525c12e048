package gobuild

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseTargetKnown(t *testing.T) {
	for _, name := range KnownTargets {
		t.Run(name, func(t *testing.T) {
			tgt, err := ParseTarget(name)
			if err != nil {
				t.Fatalf("ParseTarget(%q): %v", name, err)
			}
			if got := tgt.String(); got != name {
				t.Errorf("ParseTarget(%q).String() = %q", name, got)
			}
			if tgt.OS == "" || tgt.Arch == "" || (tgt.Variant != "") != (strings.Count(name, "/") == 2) {
				t.Errorf("ParseTarget(%q) = %+v", name, tgt)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		description string
		input       string
		want        Target
		wantErr     []string // substrings of the error; nil for success
	}{
		{description: "os/arch", input: "linux/amd64", want: Target{OS: "linux", Arch: "amd64"}},
		{description: "variant", input: "linux/arm/6", want: Target{OS: "linux", Arch: "arm", Variant: "6"}},
		{description: "darwin", input: "darwin/arm64", want: Target{OS: "darwin", Arch: "arm64"}},
		{description: "arm without a version", input: "linux/arm",
			wantErr: []string{`target "linux/arm" needs an ARM version`, "linux/arm/6", "linux/arm/7"}},
		{description: "unknown arch", input: "linux/mips",
			wantErr: []string{`unknown target "linux/mips"; known targets: ` + strings.Join(KnownTargets, ", ")}},
		{description: "unknown arm version", input: "linux/arm/5", wantErr: []string{`unknown target "linux/arm/5"`, "linux/arm/7"}},
		{description: "empty", input: "", wantErr: []string{`unknown target ""`}},
		{description: "upper case", input: "Linux/AMD64", wantErr: []string{`unknown target "Linux/AMD64"`}},
		{description: "trailing slash", input: "linux/amd64/", wantErr: []string{`unknown target "linux/amd64/"`}},
		{description: "go env style", input: "linux_amd64", wantErr: []string{"unknown target", "windows/amd64"}},
		{description: "variant on a non-arm target", input: "linux/amd64/v3", wantErr: []string{`unknown target "linux/amd64/v3"`}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got, err := ParseTarget(tt.input)
			if tt.wantErr == nil {
				if err != nil || got != tt.want {
					t.Errorf("ParseTarget(%q) = %+v, %v; want %+v", tt.input, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseTarget(%q) = %+v, want an error", tt.input, got)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseTarget(%q) error %q does not mention %q", tt.input, err, w)
				}
			}
			if got != (Target{}) {
				t.Errorf("ParseTarget(%q) returned %+v with its error", tt.input, got)
			}
		})
	}
}

func TestTargetEnvAndSuffix(t *testing.T) {
	tests := []struct {
		description string
		input       Target
		wantString  string
		wantEnv     []string
		wantSuffix  string
	}{
		{"linux", Target{OS: "linux", Arch: "amd64"}, "linux/amd64", []string{"GOOS=linux", "GOARCH=amd64"}, ""},
		{"arm v6", Target{OS: "linux", Arch: "arm", Variant: "6"}, "linux/arm/6", []string{"GOOS=linux", "GOARCH=arm", "GOARM=6"}, ""},
		{"arm v7", Target{OS: "linux", Arch: "arm", Variant: "7"}, "linux/arm/7", []string{"GOOS=linux", "GOARCH=arm", "GOARM=7"}, ""},
		{"arm without variant", Target{OS: "linux", Arch: "arm"}, "linux/arm", []string{"GOOS=linux", "GOARCH=arm"}, ""},
		{"variant ignored for non-arm env", Target{OS: "linux", Arch: "amd64", Variant: "v3"}, "linux/amd64/v3", []string{"GOOS=linux", "GOARCH=amd64"}, ""},
		{"windows", Target{OS: "windows", Arch: "amd64"}, "windows/amd64", []string{"GOOS=windows", "GOARCH=amd64"}, ".exe"},
		{"windows arm64", Target{OS: "windows", Arch: "arm64"}, "windows/arm64", []string{"GOOS=windows", "GOARCH=arm64"}, ".exe"},
		{"darwin", Target{OS: "darwin", Arch: "arm64"}, "darwin/arm64", []string{"GOOS=darwin", "GOARCH=arm64"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := tt.input.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			if got := tt.input.Env(); !reflect.DeepEqual(got, tt.wantEnv) {
				t.Errorf("Env() = %q, want %q", got, tt.wantEnv)
			}
			if got := tt.input.ExeSuffix(); got != tt.wantSuffix {
				t.Errorf("ExeSuffix() = %q, want %q", got, tt.wantSuffix)
			}
		})
	}
}

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
