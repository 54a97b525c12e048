package serve

import (
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/weldgo/weld/internal/testproxy"
)

// fixtureEnv points the go command, in this process and in the builds,
// at a file:// GOPROXY built from testdata/mod and the SDK of this
// repository (as cmd/weld's scripts do), with a module cache and a weld
// cache of the test's own; the build cache is the developer's, which is
// content-addressed.
func fixtureEnv(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("go is required under CI: %v", err)
		}
		t.Skipf("skipping: go is not installed (%v)", err)
	}
	goCache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	root := filepath.Join("..", "..")
	mods, _ := filepath.Glob(filepath.Join(root, "testdata", "mod", "*.txtar"))
	for _, m := range mods {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, filepath.Base(m)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sdk, err := packDir(filepath.Join(root, "sdk"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "github.com_weldgo_weld_sdk_v0.1.0.txtar"), sdk, 0o644); err != nil {
		t.Fatal(err)
	}
	proxy := filepath.Join(t.TempDir(), "proxy")
	if err := testproxy.Build(src, proxy); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	for k, v := range map[string]string{
		"GOPROXY": testproxy.URL(proxy), "GONOSUMDB": "example.com,github.com/weldgo", "GOSUMDB": "off",
		"GOFLAGS": "-modcacherw", "GOTOOLCHAIN": "local", "GOWORK": "off",
		"GOPATH": filepath.Join(home, "gopath"), "GOMODCACHE": filepath.Join(home, "gopath", "pkg", "mod"),
		"GOCACHE": strings.TrimSpace(string(goCache)), "WELD_CACHE": filepath.Join(home, "weldcache"),
	} {
		t.Setenv(k, v)
	}
}

// packDir writes a module directory's non-test files as a txtar.
func packDir(dir string) ([]byte, error) {
	var ar txtar.Archive
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(filepath.ToSlash(rel), "internal/") {
			return nil
		}
		data, err := os.ReadFile(p)
		ar.Files = append(ar.Files, txtar.File{Name: filepath.ToSlash(rel), Data: data})
		return err
	})
	return txtar.Format(&ar), err
}

func discardLog() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }
