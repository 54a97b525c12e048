package gobuild

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRefusedGOFLAG(t *testing.T) {
	tests := []struct {
		description string
		goflags     string
		inManifest  bool
		wantFlag    string
		wantWhy     string // a substring of the reason
	}{
		{"empty", "", false, "", ""},
		{"harmless flags", "-modcacherw -buildvcs=false -p=2 -trimpath", false, "", ""},
		{"toolexec", "-toolexec=/usr/bin/strace", false, "-toolexec", "in place of the compiler"},
		{"toolexec among others", "-modcacherw -toolexec=x", false, "-toolexec", "in place of the compiler"},
		{"double dash", "--toolexec=x", false, "-toolexec", "in place of the compiler"},
		{"overlay", "-overlay=/tmp/o.json", false, "-overlay", "weld.lock does not cover"},
		{"modfile", "-modfile=/tmp/go.mod", false, "-modfile", "another go.mod"},
		{"mod", "-mod=mod", false, "-mod", "module mode"},
		{"mod vendor", "-mod=vendor", true, "-mod", "module mode"},
		{"compiler", "-compiler=gccgo", false, "-compiler", "toolchain"},
		{"dry run", "-n", false, "-n", "no binary"},
		{"linkshared", "-linkshared", false, "-linkshared", "shared libraries"},
		{"buildmode pie", "-buildmode=pie", true, "", ""},
		{"buildmode c-shared", "-buildmode=c-shared", false, "-buildmode", "executables"},
		{"pgo off", "-pgo=off", true, "", ""},
		{"pgo file", "-pgo=/tmp/cpu.pprof", false, "-pgo", "weld.lock does not cover"},
		{"quoted field", `'-toolexec=a b' -modcacherw`, false, "-toolexec", "in place of the compiler"},
		{"quoted harmless field", `"-gcflags=all=-N -l"`, true, "", ""},
		{"tags from the environment", "-tags=netgo", false, "", ""},
		{"tags in the manifest", "-tags=netgo", true, "-tags", "build.tags"},
		{"ldflags in the manifest", "-ldflags=-s", true, "-ldflags", "build.ldflags"},
		{"trimpath in the manifest", "-trimpath", true, "-trimpath", "always builds with -trimpath"},
		{"buildvcs in the manifest", "-buildvcs=true", true, "-buildvcs", "-buildvcs=false"},
		{"output in the manifest", "-o=/tmp/x", true, "-o", "output path"},
		{"modcacherw is not mod", "-modcacherw", true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			flag, why := RefusedGOFLAG(tt.goflags, tt.inManifest)
			if flag != tt.wantFlag || !strings.Contains(why, tt.wantWhy) {
				t.Errorf("RefusedGOFLAG(%q, %v) = %q, %q; want %q and a reason with %q", tt.goflags, tt.inManifest, flag, why, tt.wantFlag, tt.wantWhy)
			}
		})
	}
}

func TestSplitGOFLAGS(t *testing.T) {
	tests := []struct {
		input string
		want  []string
	}{
		{"", nil},
		{"  -a   -b=1\t-c ", []string{"-a", "-b=1", "-c"}},
		{`-a '-b=x y' "-c=z w"`, []string{"-a", "-b=x y", "-c=z w"}},
		{`-gcflags='all=-N -l'`, []string{"-gcflags=all=-N -l"}},
		{`''`, []string{""}},
	}
	for _, tt := range tests {
		if got := splitGOFLAGS(tt.input); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitGOFLAGS(%q) = %q, want %q", tt.input, got, tt.want)
		}
	}
}

func TestCheckUserGOFLAGS(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(envFile, []byte("GOTOOLCHAIN=local\nGOFLAGS=-overlay=/tmp/o.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	harmlessFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(harmlessFile, []byte("GOFLAGS=-buildvcs=false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		description string
		env         []string
		want        string // "" for no error
	}{
		{"nothing set", []string{"GOENV=off"}, ""},
		{"harmless", []string{"GOENV=off", "GOFLAGS=-modcacherw -buildvcs=false"}, ""},
		{"toolexec in the environment", []string{"GOENV=off", "GOFLAGS=-toolexec=/bin/true"},
			"GOFLAGS=-toolexec=/bin/true (from the environment) sets -toolexec, which weld refuses: it runs another program in place of the compiler and linker; unset GOFLAGS or remove -toolexec from it"},
		{"overlay in the go env file", []string{"GOENV=" + envFile},
			"GOFLAGS=-overlay=/tmp/o.json (from " + envFile + " (go env -w)) sets -overlay, which weld refuses: it replaces source files with files that weld.lock does not cover; run go env -w GOFLAGS=... without -overlay, or go env -u GOFLAGS"},
		{"the environment wins over the file", []string{"GOENV=" + envFile, "GOFLAGS=-modcacherw"}, ""},
		{"an empty variable falls back to the file", []string{"GOENV=" + envFile, "GOFLAGS="}, "sets -overlay"},
		{"harmless go env file", []string{"GOENV=" + harmlessFile}, ""},
		{"missing go env file", []string{"GOENV=" + filepath.Join(t.TempDir(), "none")}, ""},
		{"weld's own module mode", []string{"GOENV=off", "GOFLAGS=-mod=readonly"}, ""},
		{"another module mode", []string{"GOENV=off", "GOFLAGS=-mod=vendor"}, "sets -mod, which weld refuses"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			err := (&Runner{Env: tt.env}).CheckUserGOFLAGS("readonly")
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckUserGOFLAGS with %q: %v, want no error", tt.env, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("CheckUserGOFLAGS with %q: %v\nwant an error with: %s", tt.env, err, tt.want)
			}
		})
	}
}

// TestRunWithoutWorkspace: a go.work, found around the directory or named
// by GOWORK, never takes part in a go command that weld runs.
func TestRunWithoutWorkspace(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("go is required under CI: %v", err)
		}
		t.Skipf("go is not in PATH: %v", err)
	}
	dir := t.TempDir()
	work := filepath.Join(dir, "go.work")
	if err := os.WriteFile(work, []byte("go 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, env := range [][]string{{"GOWORK="}, {"GOWORK=" + work}} {
		r := &Runner{Go: goCmd, Env: append(os.Environ(), env...)}
		out, err := r.Run(context.Background(), Call{Dir: dir, Args: []string{"env", "GOWORK"}})
		if got := strings.TrimSpace(string(out)); err != nil || got != "off" {
			t.Errorf("go env GOWORK with %q in %s = %q, %v; want off", env, dir, got, err)
		}
	}
}
