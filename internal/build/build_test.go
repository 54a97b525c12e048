package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/gobuild/gobuildtest"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// composition is a resolved pure-Go composition of an app and one
// plugin, as compose would return it.
func composition(t *testing.T) (*spec.Spec, *compose.Composition) {
	t.Helper()
	plugin := spec.Plugin{Source: spec.Source{Module: "example.com/p", Version: "v1.0.0", Pos: spec.Pos{File: "weld.yaml", Line: 5, Col: 5}}}
	sp := &spec.Spec{Name: "app", Plugins: []spec.Plugin{plugin},
		Build: spec.Build{Tags: []string{"netgo"}, Ldflags: "-s -w", Env: []string{"GOAMD64=v1"}, Cgo: spec.CgoAuto}}
	dir := t.TempDir()
	comp := &compose.Composition{
		Spec: sp, App: compose.Module{Path: "example.com/app", Version: "v1.2.0"},
		Plugins:     []compose.Plugin{{Spec: plugin, Module: compose.Module{Path: "example.com/p", Version: "v1.0.0"}, Package: "example.com/p"}},
		MainPackage: "example.com/app", BuildDir: dir,
		Overlay: map[string][]byte{filepath.Join(dir, "go.mod"): []byte("module example.com/app\n")},
		Packages: []*compose.Package{
			{ImportPath: "example.com/app", Name: "main", Module: &compose.ListModule{Path: "example.com/app"}},
			{ImportPath: "example.com/p", Name: "p", Module: &compose.ListModule{Path: "example.com/p"}},
		},
	}
	return sp, comp
}

func compiler(t *testing.T, g gobuild.GoCommand) (*Compiler, *spec.Spec) {
	sp, comp := composition(t)
	return &Compiler{Go: g, Spec: sp, Comp: comp, Tools: &toolchain.Resolver{Spec: sp, Go: g},
		WorkDir: t.TempDir(), OutDir: t.TempDir()}, sp
}

func TestCompilerRequest(t *testing.T) {
	var got gobuild.Request
	g := &gobuildtest.Fake{GoVersion: "go1.26.8", OnBuild: func(req gobuild.Request) error {
		got = req
		return writeProgram(req.Output, "program")
	}}
	c, sp := compiler(t, g)
	arm := target.Target{OS: "linux", Arch: "arm64"}
	bin, err := c.Build(context.Background(), arm)
	if err != nil {
		t.Fatal(err)
	}
	want := Path(c.OutDir, "app", arm)
	if bin.Path != want || bin.Target != arm || bin.Cgo {
		t.Errorf("binary = %+v, want a pure-Go %s at %s", bin, arm, want)
	}
	if got.Output != want || got.Target != arm || got.Package != "example.com/app" || got.Dir != c.Comp.BuildDir || !got.Overlay {
		t.Errorf("go build request = %+v", got)
	}
	if !slices.Equal(got.Tags, sp.Build.Tags) || got.Ldflags != sp.Build.Ldflags {
		t.Errorf("tags %q ldflags %q, want the manifest's", got.Tags, got.Ldflags)
	}
	// The manifest's env, then the cgo decision: every composed package
	// is pure Go, so cgo is off and no C toolchain is looked for.
	if !slices.Equal(got.Env, []string{"GOAMD64=v1", "CGO_ENABLED=0"}) {
		t.Errorf("env = %q", got.Env)
	}
	if got.ScratchDir != filepath.Join(c.WorkDir, "build", "linux_arm64") {
		t.Errorf("scratch dir %s is not the target's own", got.ScratchDir)
	}
}

func TestCompileErrorNamesTheCulprit(t *testing.T) {
	tests := []struct {
		name, stderr, want string
	}{
		{"plugin", "# example.com/p\np.go:3:2: undefined: x\n", "plugin example.com/p@v1.0.0 (weld.yaml:5:5) does not compile:\n# example.com/p\np.go:3:2: undefined: x"},
		{"app", "# example.com/app\nmain.go:1:1: syntax error\n", "app example.com/app (package example.com/app) does not compile:"},
		{"other package", "# example.com/q\nq.go:1:1: nope\n", "package example.com/q does not compile:"},
		{"no package header", "go: something else failed\n", "go build failed:\ngo: something else failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &gobuildtest.Fake{OnBuild: func(gobuild.Request) error { return &gobuild.Error{Stderr: tt.stderr} }}
			c, _ := compiler(t, g)
			_, err := c.Build(context.Background(), target.Host())
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want one starting %q", err, tt.want)
			}
		})
	}
}

type builderFunc func(context.Context, target.Target) (Binary, error)

func (f builderFunc) Build(ctx context.Context, t target.Target) (Binary, error) { return f(ctx, t) }

func TestAllKeepsOrderAndNamesTheTarget(t *testing.T) {
	targets := []target.Target{{OS: "linux", Arch: "amd64"}, {OS: "windows", Arch: "amd64"}, {OS: "linux", Arch: "arm", Variant: "7"}}
	echo := builderFunc(func(_ context.Context, t target.Target) (Binary, error) {
		return Binary{Target: t, Path: t.Dir()}, nil
	})
	bins, err := All(context.Background(), echo, targets)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range bins {
		if b.Target != targets[i] || b.Path != targets[i].Dir() {
			t.Errorf("binary %d = %+v, want %s's", i, b, targets[i])
		}
	}
	broken := errors.New("no compiler")
	failing := builderFunc(func(_ context.Context, t target.Target) (Binary, error) {
		if t.OS == "windows" {
			return Binary{}, broken
		}
		return Binary{Target: t}, nil
	})
	if _, err := All(context.Background(), failing, targets); !errors.Is(err, broken) || !strings.HasPrefix(err.Error(), "building windows/amd64: ") {
		t.Errorf("error = %v, want the windows target's, named", err)
	}
}

// writeProgram stands in for go build's output.
func writeProgram(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o755)
}
