package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/weldgo/weld/internal/cli"
	"github.com/weldgo/weld/internal/testproxy"
)

// The scripts in testdata/script run the real weld command (in-process
// through testscript) against the real go toolchain. Module versions come
// from a file:// GOPROXY built from testdata/mod, plus the SDK module from
// this repository, so no test reaches the internet.

var proxyDir string

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"weld": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	requireTool(t, "go")
	proxy := buildProxy(t)
	goCache := goEnv(t, "GOCACHE")
	hostModCache := goEnv(t, "GOMODCACHE")
	testscript.Run(t, testscript.Params{
		Dir:                filepath.Join("..", "..", "testdata", "script"),
		RequireUniqueNames: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("GOPROXY", testproxy.URL(proxy))
			e.Setenv("PROXY", testproxy.URL(proxy))
			e.Setenv("GONOSUMDB", "example.com,github.com/weldgo")
			e.Setenv("GOSUMDB", "off")
			e.Setenv("GOFLAGS", "-modcacherw")
			e.Setenv("GOTOOLCHAIN", "local")
			e.Setenv("GOWORK", "off")
			e.Setenv("GOPATH", filepath.Join(e.WorkDir, ".gopath"))
			e.Setenv("GOMODCACHE", filepath.Join(e.WorkDir, ".gopath", "pkg", "mod"))
			// The build cache is content-addressed, so sharing the
			// developer's keeps the scripts fast without affecting them.
			e.Setenv("GOCACHE", goCache)
			e.Setenv("HOST_GOMODCACHE", hostModCache)
			e.Setenv("WELD_CACHE", filepath.Join(e.WorkDir, ".weldcache"))
			e.Setenv("WELD_REPO", repoRoot(t))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"treehash":      cmdTreehash,
			"formatonelock": cmdFormatOneLock,
			"sbom":          cmdSBOM,
			"cosign":        cmdCosign,
			"jsonlines":     cmdJSONLines,
		},
		Condition: func(cond string) (bool, error) {
			if tool, ok := strings.CutPrefix(cond, "tool:"); ok {
				_, err := exec.LookPath(tool)
				if err != nil && os.Getenv("CI") == "true" {
					return false, fmt.Errorf("%s is required under CI: %v", tool, err)
				}
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// requireTool skips on a developer machine without the tool and fails
// under CI, where every tool the tests need must be installed.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI: %v", name, err)
		}
		t.Skipf("skipping: %s is not installed (%v)", name, err)
	}
}

func goEnv(t *testing.T, key string) string {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", key, err)
	}
	return strings.TrimSpace(string(out))
}

func repoRoot(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// buildProxy builds the test GOPROXY.
func buildProxy(t *testing.T) string {
	dst := filepath.Join(t.TempDir(), "proxy")
	if err := testproxy.Build(proxySource(t), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// proxySource collects the test GOPROXY's modules: testdata/mod, plus the
// SDK module of this repository at v0.1.0, packed from its source
// directory so that the tests always use the SDK as it is.
func proxySource(t *testing.T) string {
	src := t.TempDir()
	entries, err := os.ReadDir(filepath.Join("..", "..", "testdata", "mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "mod", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sdk, err := packModule(filepath.Join("..", "..", "sdk"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "github.com_weldgo_weld_sdk_v0.1.0.txtar"), sdk, 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

// packModule writes a module directory's non-test files as a txtar.
func packModule(dir string) ([]byte, error) {
	var ar txtar.Archive
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(filepath.ToSlash(rel), "internal/") {
			return nil // test helpers only
		}
		data, err := os.ReadFile(p)
		ar.Files = append(ar.Files, txtar.File{Name: filepath.ToSlash(rel), Data: data})
		return err
	})
	return txtar.Format(&ar), err
}

// cmdTreehash prints a digest of every file's path, mode and content under
// a directory, so a script can check that weld left a tree untouched:
//
//	treehash DIR   (prints the digest on stdout)
func cmdTreehash(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: treehash DIR")
	}
	root := ts.MkAbs(args[0])
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := fmt.Sprintf("%s %v %d", rel, info.Mode(), info.Size())
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		lines = append(lines, line)
		return nil
	})
	ts.Check(err)
	sort.Strings(lines)
	sum := sha256.Sum256(bytes.NewBufferString(strings.Join(lines, "\n")).Bytes())
	fmt.Fprintf(ts.Stdout(), "%x\n", sum)
}
