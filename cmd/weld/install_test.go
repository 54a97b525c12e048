package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/weldgo/weld/internal/testproxy"
)

// TestInstallByVersion installs weld the way the README tells a user to,
// `go install github.com/weldgo/weld/cmd/weld@VERSION`, from a module
// proxy that serves this checkout as that version (weld's dependencies
// come from the module cache's download directory, so nothing reaches the
// network), and checks that weld version reports the version.
func TestInstallByVersion(t *testing.T) {
	requireTool(t, "go")
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("skipping: -short, and this compiles weld")
	}
	const version = "v0.9.0"
	proxy := t.TempDir()
	serveModule(t, proxy, repoRoot(t), "github.com/weldgo/weld", version)
	downloads := filepath.Join(goEnv(t, "GOMODCACHE"), "cache", "download")
	bin := t.TempDir()
	install := exec.Command("go", "install", "github.com/weldgo/weld/cmd/weld@"+version)
	install.Dir = t.TempDir()
	install.Env = append(withoutTestProxy(os.Environ()),
		"GOBIN="+bin, "GOTOOLCHAIN=local", "GOSUMDB=off", "GOFLAGS=-modcacherw",
		"GOPROXY="+testproxy.URL(proxy)+","+testproxy.URL(downloads),
		"GOMODCACHE="+filepath.Join(t.TempDir(), "modcache"))
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install github.com/weldgo/weld/cmd/weld@%s: %v\n%s", version, err, out)
	}
	out, err := exec.Command(filepath.Join(bin, "weld"), "version").Output()
	if err != nil {
		t.Fatalf("weld version: %v", err)
	}
	if !strings.HasPrefix(string(out), "weld "+version+" go1.") {
		t.Errorf("weld version printed %q, want it to start with %q", out, "weld "+version+" go1.")
	}
}

// serveModule writes the module in dir, at version, into a GOPROXY tree,
// zipped as the go command zips a module (nested modules left out).
func serveModule(t *testing.T, proxy, dir, path, version string) {
	t.Helper()
	escaped, err := module.EscapePath(path)
	if err != nil {
		t.Fatal(err)
	}
	vdir := filepath.Join(proxy, escaped, "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(map[string]string{"Version": version, "Time": "2026-01-01T00:00:00Z"})
	z, err := os.Create(filepath.Join(vdir, version+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if err := modzip.CreateFromDir(z, module.Version{Path: path, Version: version}, dir); err != nil {
		t.Fatalf("zipping %s: %v", dir, err)
	}
	for name, data := range map[string][]byte{version + ".mod": mod, version + ".info": info, "list": []byte(version + "\n")} {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
