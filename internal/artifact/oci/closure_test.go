package oci

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
	"github.com/weldgo/weld/internal/artifact/linkdeps"
)

// fixture is a small C program linked against two libraries of its own:
// main needs liba.so.1, which needs libb.so.1, a symlink to libb.so.1.0.
type fixture struct {
	dir      string // main, static
	libs     string // liba.so.1, libb.so.1 -> libb.so.1.0
	onlyA    string // liba.so.1 alone
	hostDirs []string
	interp   string
}

var (
	fixOnce sync.Once
	fix     fixture
	fixErr  error
)

func cFixture(t *testing.T) fixture {
	t.Helper()
	tooltest.Need(t, "gcc")
	fixOnce.Do(func() { fix, fixErr = buildFixture() })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func buildFixture() (fixture, error) {
	dir, err := os.MkdirTemp("", "oci-closure-")
	if err != nil {
		return fixture{}, err
	}
	f := fixture{dir: dir, libs: filepath.Join(dir, "libs"), onlyA: filepath.Join(dir, "onlya")}
	files := map[string]string{
		"b.c":    "int b(void) { return 2; }\n",
		"a.c":    "int b(void);\nint a(void) { return b() + 1; }\n",
		"main.c": "#include <stdio.h>\nint a(void);\nint main(void) { printf(\"%d\\n\", a()); return 0; }\n",
		"st.c":   "int main(void) { return 0; }\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			return f, err
		}
	}
	for _, d := range []string{f.libs, f.onlyA} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return f, err
		}
	}
	steps := [][]string{
		{"gcc", "-shared", "-fPIC", "-Wl,-soname,libb.so.1", "-o", "libs/libb.so.1.0", "b.c"},
		{"ln", "-s", "libb.so.1.0", "libs/libb.so.1"},
		{"gcc", "-shared", "-fPIC", "-Wl,-soname,liba.so.1", "-o", "libs/liba.so.1", "a.c", "-Llibs", "-l:libb.so.1"},
		{"cp", "libs/liba.so.1", "onlya/liba.so.1"},
		{"gcc", "-o", "main", "main.c", "-Llibs", "-l:liba.so.1", "-Wl,-rpath-link,libs"},
		{"gcc", "-static", "-o", "static", "st.c"},
	}
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return f, &exec.Error{Name: strings.Join(s, " ") + ": " + string(out), Err: err}
		}
	}
	info, err := linkdeps.ELFLinks(filepath.Join(dir, "main"))
	if err != nil {
		return f, err
	}
	f.interp = info.Interp
	out, err := exec.Command("gcc", "-print-file-name=libc.so.6").Output()
	if err != nil {
		return f, err
	}
	f.hostDirs = []string{filepath.Dir(strings.TrimSpace(string(out))), "/lib64", "/usr/lib64", "/lib", "/usr/lib"}
	return f, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fix.dir != "" {
		os.RemoveAll(fix.dir)
	}
	os.Exit(code)
}

func TestClosure(t *testing.T) {
	f := cFixture(t)
	const libDir = "/usr/lib/test-triplet"
	for _, tc := range []struct {
		name    string
		bin     string
		dirs    func(f fixture) []string
		want    []string // path: reason
		wantErr string
	}{{
		name: "transitive, loader first, breadth first",
		bin:  "main",
		dirs: func(f fixture) []string { return append([]string{f.libs}, f.hostDirs...) },
		want: []string{
			f.interp + ": dynamic loader (PT_INTERP of main)",
			libDir + "/liba.so.1: needed by main",
			libDir + "/libc.so.6: needed by main",
			libDir + "/libb.so.1: needed by liba.so.1",
		},
	}, {
		name:    "missing library names who needs it",
		bin:     "main",
		dirs:    func(f fixture) []string { return append([]string{f.onlyA}, f.hostDirs...) },
		wantErr: "libb.so.1, needed by liba.so.1: not found in " + f.onlyA,
	}, {
		name:    "a file of another machine is passed over",
		bin:     "main",
		dirs:    func(f fixture) []string { return append([]string{filepath.Join(f.dir, "arm"), f.onlyA}, f.hostDirs...) },
		wantErr: "passed over: " + filepath.Join(f.dir, "arm", "libb.so.1") + " is ",
	}, {
		name: "static binary needs nothing",
		bin:  "static",
		dirs: func(f fixture) []string { return nil },
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.name, "another machine") {
				armLib(t, f)
			}
			files, err := Closure(filepath.Join(f.dir, tc.bin), tc.dirs(f), libDir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fl := range files {
				got = append(got, fl.Path+": "+fl.Reason)
				if st, err := os.Lstat(fl.Src); err != nil || !st.Mode().IsRegular() {
					t.Errorf("%s: source %s is not a regular file (symlinks must be resolved)", fl.Path, fl.Src)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("closure:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for _, fl := range files {
				if path.Base(fl.Path) == "libb.so.1" && filepath.Base(fl.Src) != "libb.so.1.0" {
					t.Errorf("libb.so.1 comes from %s, want the symlink's target libb.so.1.0", fl.Src)
				}
				if fl.Path == f.interp && fl.Mode != 0o755 {
					t.Errorf("the loader's mode is %v, want 0755: the kernel execs it", fl.Mode)
				}
			}
		})
	}
}

// TestClosureLoaderByPath finds a loader that is not in any library
// directory at the interpreter path under the directories' root.
func TestClosureLoaderByPath(t *testing.T) {
	f := cFixture(t)
	root := t.TempDir()
	lib := filepath.Join(root, "usr", "lib", "x-linux-gnu")
	if err := os.MkdirAll(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	loader := filepath.Join(root, filepath.FromSlash(f.interp))
	if err := os.MkdirAll(filepath.Dir(loader), 0o755); err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(f.interp)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", real, loader).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	files, err := Closure(filepath.Join(f.dir, "main"), append([]string{lib, f.libs}, f.hostDirs...), "/usr/lib/x")
	if err != nil {
		t.Fatal(err)
	}
	if files[0].Path != f.interp {
		t.Fatalf("first file %s, want the loader %s", files[0].Path, f.interp)
	}
}

// armLib puts an arm64 libb.so.1 in f.dir/arm, or skips without the
// cross compiler.
func armLib(t *testing.T, f fixture) {
	t.Helper()
	tooltest.Need(t, "aarch64-linux-gnu-gcc")
	dir := filepath.Join(f.dir, "arm")
	if _, err := os.Stat(filepath.Join(dir, "libb.so.1")); err == nil {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("aarch64-linux-gnu-gcc", "-shared", "-fPIC", "-Wl,-soname,libb.so.1", "-o", "arm/libb.so.1", "b.c")
	cmd.Dir = f.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}
