package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/gobuild/gobuildtest"
	"github.com/weldgo/weld/internal/lock/locktest"
	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// weld runs the CLI in dir with go as its go command, as the weld binary
// would, and returns the exit code and what it printed.
func weld(t *testing.T, dir string, g gobuild.GoCommand, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	saved := goCommand
	goCommand = func(bool, io.Writer) gobuild.GoCommand { return g }
	defer func() { goCommand = saved }()
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRefusalsRunNoGoCommand(t *testing.T) {
	t.Setenv("WELD_CACHE", t.TempDir())
	unlocked, _ := locktest.Project(t, "")
	empty := t.TempDir()
	tests := []struct {
		name string
		dir  string
		args []string
		want string
	}{
		{"locked without a lock", unlocked, []string{"build", "--locked"}, "weld: --locked: there is no weld.lock; run weld lock"},
		{"no manifest", empty, []string{"build"}, "weld: no weld.yaml in " + empty + "; pass -f FILE, or --app"},
		{"plugin without an app", empty, []string{"build", "--with", "example.com/p@v1.0.0"}, "weld: --with, --entry, --package and --adapter need --app"},
		{"manifest and app", unlocked, []string{"build", "-f", "weld.yaml", "--app", "example.com/app"}, "weld: use either -f or --app, not both"},
		{"unknown target", unlocked, []string{"build", "--target", "plan9/mips"}, `weld: unknown target "plan9/mips"; known targets: linux/amd64`},
		{"image for windows", unlocked, []string{"image", "--target", "windows/amd64"}, "weld: --target windows/amd64: images are built for Linux targets only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &gobuildtest.Fake{GoVersion: "go1.26.8", Toolchain: "auto"}
			code, stdout, stderr := weld(t, tt.dir, g, tt.args...)
			if code != 1 || !strings.HasPrefix(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1 and an error starting %q", code, stdout, stderr, tt.want)
			}
			if ran := g.Commands(); len(ran) != 0 {
				t.Errorf("go commands ran: %q", ran)
			}
			if _, err := os.Stat(filepath.Join(tt.dir, "dist")); !os.IsNotExist(err) {
				t.Errorf("a refused command wrote dist (%v)", err)
			}
		})
	}
}

// TestBuildPrintsWhatTheStagesMade: weld build wires -o, --locked and
// --target to the stages and prints each artifact's path; with the output
// in the cache the stages run no go command.
func TestBuildPrintsWhatTheStagesMade(t *testing.T) {
	t.Setenv("WELD_CACHE", t.TempDir())
	dir, _ := locktest.Project(t, "go1.26.8")
	g := &gobuildtest.Fake{GoVersion: "go1.26.8", Toolchain: "auto"}
	sp, err := spec.Load(filepath.Join(dir, "weld.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := lockpolicy.Decide(context.Background(), lockpolicy.Options{Spec: sp, Go: g, OutDir: filepath.Join(dir, "out")})
	if err != nil {
		t.Fatal(err)
	}
	host := target.Host()
	src := filepath.Join(t.TempDir(), "app")
	if err := os.WriteFile(src, []byte("program"), 0o755); err != nil {
		t.Fatal(err)
	}
	key := build.OutputKey(p.Lock, p.GoVersion, sp, g.Getenv, host)
	if err := outcache.Open().Put(key, src, outcache.Meta{Name: "app" + host.ExeSuffix(), Target: host.String()}); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := weld(t, dir, g, "build", "--locked", "-o", "out", "--sbom", "none", "--target", host.String(), "--target", host.String())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := build.Path("out", "app", host) + "\n" + filepath.Join("out", "app.intoto.json") + "\n" + filepath.Join("out", "SHA256SUMS") + "\n"; stdout != want {
		t.Errorf("stdout %q, want %q (one line per artifact, the repeated target built once, and the provenance)", stdout, want)
	}
	if !strings.Contains(stderr, "cached") {
		t.Errorf("stderr does not say the output came from the cache:\n%s", stderr)
	}
	if ran := g.Commands(); len(ran) != 0 {
		t.Errorf("go commands ran: %q", ran)
	}
}
