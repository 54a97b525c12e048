package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/spec"
)

// project lays out a manifest directory with an app module at the root
// (app: {path: .}) and a plugin module below it, and returns its rule.
func project(t *testing.T) (string, Rule) {
	t.Helper()
	root := t.TempDir()
	write(t, filepath.Join(root, "weld.yaml"), "name: x\n")
	write(t, filepath.Join(root, "go.mod"), "module example.com/app\n")
	write(t, filepath.Join(root, "plugins", "p", "go.mod"), "module example.com/p\n")
	s := &spec.Spec{File: filepath.Join(root, "weld.yaml"), Dir: root}
	s.App.Module, s.App.Dir = "example.com/app", root
	s.Plugins = []spec.Plugin{{Source: spec.Source{Module: "example.com/p", Dir: filepath.Join(root, "plugins", "p")}}}
	return root, Rule{Command: "weld vendor", Flag: "-o", Protected: ProjectDirs(s)}
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree lists the files under dir, with their contents.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			lines = append(lines, rel+"/")
			return nil
		}
		data, _ := os.ReadFile(p)
		lines = append(lines, rel+"="+string(data))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestRule(t *testing.T) {
	marked := string(markerText("weld vendor", ""))
	tests := []struct {
		name  string
		dir   string            // relative to the project root
		files map[string]string // made before the run, relative to the root
		want  string            // "" to accept; else part of the error
	}{
		{name: "missing", dir: "out"},
		{name: "missing below missing", dir: "a/b/out"},
		{name: "empty", dir: "out", files: map[string]string{"out/": ""}},
		{name: "own earlier output", dir: "out", files: map[string]string{"out/" + MarkerName: marked, "out/x": "old"}},
		{name: "empty dist inside the app", dir: "dist", files: map[string]string{"dist/": ""}},
		{name: "marked inside a plugin", dir: "plugins/p/out", files: map[string]string{"plugins/p/out/" + MarkerName: marked}},
		{name: "the project", dir: ".", want: "-o .: refusing to replace this directory: it is the manifest's directory; choose another directory"},
		{name: "the parent of the project", dir: "..", want: "it contains the manifest's directory ("},
		{name: "a plugin root", dir: "plugins/p", want: "it is the module root of plugin example.com/p; choose another directory"},
		{name: "a directory holding a plugin root", dir: "plugins", want: "it contains the module root of plugin example.com/p ("},
		{name: "marked, but holding a plugin root", dir: "plugins", files: map[string]string{"plugins/" + MarkerName: marked}, want: "it contains the module root"},
		{name: "someone's files", dir: "docs", files: map[string]string{"docs/notes.txt": "mine"},
			want: "-o docs: refusing to replace this directory: it holds files that weld did not write (notes.txt); choose another directory, or empty this one"},
		{name: "a foreign vendor tree", dir: "v", files: map[string]string{"v/modules.txt": "", "v/a": "", "v/b": "", "v/c": ""},
			want: "(a, b, c, and 1 more)"},
		{name: "another command's output", dir: "f", files: map[string]string{"f/" + MarkerName: string(markerText("weld nix", ""))},
			want: "it holds the output of weld nix, not of weld vendor; choose another directory"},
		{name: "a marker without a command", dir: "f", files: map[string]string{"f/" + MarkerName: "command weld vendor"},
			want: "it holds files that weld did not write (.weld-output)"},
		{name: "a file", dir: "file", files: map[string]string{"file": "x"}, want: "it exists and is not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, rule := project(t)
			for name, content := range tc.files {
				if strings.HasSuffix(name, "/") {
					os.MkdirAll(filepath.Join(root, name), 0o755)
					continue
				}
				write(t, filepath.Join(root, name), content)
			}
			t.Chdir(root)
			outer := filepath.Dir(root)
			before := tree(t, outer)
			err := rule.Check(tc.dir)
			p, berr := rule.Begin(tc.dir)
			if (err == nil) != (berr == nil) {
				t.Fatalf("Check says %v, Begin says %v", err, berr)
			}
			if tc.want != "" {
				var refused *RefusedError
				if err == nil || !errors.As(err, &refused) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want a refusal containing %q", err, tc.want)
				}
				if after := tree(t, outer); after != before {
					t.Fatalf("refusing changed the tree:\n%s\nwas:\n%s", after, before)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			defer p.Abort()
			write(t, filepath.Join(p.Tmp, "new"), "new")
			if err := p.Commit(); err != nil {
				t.Fatal(err)
			}
			got := tree(t, filepath.Join(root, tc.dir))
			if want := "./\n" + MarkerName + "=" + marked + "\nnew=new"; got != want {
				t.Fatalf("after Commit %s holds\n%s\nwant\n%s", tc.dir, got, want)
			}
			// The output is its own now: the next run replaces it.
			if err := rule.Check(tc.dir); err != nil {
				t.Fatalf("refused its own output: %v", err)
			}
			if left, _ := filepath.Glob(filepath.Join(root, filepath.Dir(tc.dir), ".*.tmp-*")); len(left) > 0 {
				t.Fatalf("temporary directories left: %v", left)
			}
		})
	}
}

func TestLegacyOutput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	write(t, filepath.Join(dir, "weld-vendor.json"), "{}")
	rule := Rule{Command: "weld vendor", Flag: "-o"}
	if err := rule.Check(dir); err == nil {
		t.Fatal("accepted a directory with no marker and no Legacy rule")
	}
	rule.Legacy = func(root *os.Root) bool {
		_, err := root.Stat("weld-vendor.json")
		return err == nil
	}
	if err := rule.Check(dir); err != nil {
		t.Fatal(err)
	}
}

// The marker beside a directory holds its identity: a directory put
// there later is not taken for weld's, and the output itself holds
// exactly what was written.
func TestMarkerBeside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "vend")
	rule := Rule{Command: "weld nix --vendor-dir", Flag: "--vendor-dir", MarkerBeside: true}
	for run := range 2 {
		p, err := rule.Begin(dir)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		write(t, filepath.Join(p.Tmp, "modules.txt"), "x")
		if err := p.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := tree(t, dir); got != "./\nmodules.txt=x" {
			t.Fatalf("the output holds\n%s", got)
		}
	}
	if _, err := os.Stat(filepath.Join(root, ".vend"+MarkerName)); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(dir, dir+"-moved"); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "modules.txt"), "someone else's")
	if err := rule.Check(dir); err == nil || !strings.Contains(err.Error(), "did not write (modules.txt)") {
		t.Fatalf("a new directory under the old name: got %v", err)
	}
}
