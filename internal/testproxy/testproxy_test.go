package testproxy_test

import (
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/weldgo/weld/internal/testproxy"
)

// goCmd returns the path of the go command, skipping the test when it is
// missing outside CI (under CI a missing go command is a failure).
func goCmd(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("go command not found under CI: %v", err)
		}
		t.Skipf("go command not found: %v", err)
	}
	return gobin
}

// goEnv is an environment in which the go command can only see proxyDir and
// keeps all its caches under t.TempDir.
func goEnv(t *testing.T, proxyDir string) []string {
	tmp := t.TempDir()
	return append(os.Environ(),
		"GOPROXY="+testproxy.URL(proxyDir),
		"GOSUMDB=off",
		"GONOSUMDB=example.com",
		"GOPRIVATE=",
		"GONOPROXY=",
		"GOFLAGS=-mod=mod -modcacherw", // -modcacherw: let t.TempDir remove the cache
		"GOMODCACHE="+filepath.Join(tmp, "modcache"),
		"GOCACHE="+filepath.Join(tmp, "gocache"),
		"GOPATH="+filepath.Join(tmp, "gopath"),
		"GOENV=off",
		"GOWORK=off",
		"GOTOOLCHAIN=local",
		"GO111MODULE=on",
	)
}

func TestGoCommandUsesProxy(t *testing.T) {
	gobin := goCmd(t)
	proxy := filepath.Join(t.TempDir(), "proxy")
	if err := testproxy.Build("testdata", proxy); err != nil {
		t.Fatal(err)
	}

	// The proxy tree itself.
	checkFile(t, filepath.Join(proxy, "example.com/greet/@v/list"), "v1.0.0\nv1.1.0\n")
	checkFile(t, filepath.Join(proxy, "example.com/greet/@v/v1.0.0.info"),
		`{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}`)
	checkFile(t, filepath.Join(proxy, "example.com/greet/v2/@v/v2.0.0.info"),
		`{"Version":"v2.0.0","Time":"2023-06-01T12:00:00Z"}`)
	checkFile(t, filepath.Join(proxy, "example.com/plugin/hello/@v/v1.0.0.mod"),
		"module example.com/plugin/hello\n\ngo 1.21\n\nrequire example.com/greet v1.0.0\n")

	env := goEnv(t, proxy)
	app := t.TempDir()
	write(t, filepath.Join(app, "go.mod"), "module example.com/app\n\ngo 1.21\n")
	write(t, filepath.Join(app, "main.go"), `package main

import (
	"fmt"

	greet2 "example.com/greet/v2"
	"example.com/plugin/hello"
)

func main() {
	fmt.Println(hello.Message())
	fmt.Println(greet2.Hello())
}
`)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(gobin, args...)
		cmd.Dir = app
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	run("get", "example.com/plugin/hello@v1.0.0", "example.com/greet/v2@v2.0.0")
	if got, want := run("list", "-m", "-versions", "example.com/greet"), "example.com/greet v1.0.0 v1.1.0\n"; got != want {
		t.Errorf("go list -m -versions = %q, want %q", got, want)
	}
	if got, want := run("list", "-m", "example.com/greet"), "example.com/greet v1.0.0\n"; got != want {
		t.Errorf("selected %q, want %q (required by plugin)", got, want)
	}
	want := "plugin says: hello from greet v1.0.0\nhello from greet/v2 v2.0.0\n"
	if got := run("run", "."); got != want {
		t.Errorf("go run = %q, want %q", got, want)
	}
	if got := run("mod", "verify"); !strings.Contains(got, "all modules verified") {
		t.Errorf("go mod verify = %q", got)
	}

	// go.sum records the h1: hash of the zip exactly as we built it.
	zipFile := filepath.Join(proxy, "example.com/plugin/hello/@v/v1.0.0.zip")
	h, err := dirhash.HashZip(zipFile, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(app, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if line := "example.com/plugin/hello v1.0.0 " + h + "\n"; !bytes.Contains(sum, []byte(line)) {
		t.Errorf("go.sum lacks %q:\n%s", line, sum)
	}

	// @latest is answered from the list file.
	run("get", "example.com/greet@latest")
	want = "plugin says: hello from greet v1.1.0\nhello from greet/v2 v2.0.0\n"
	if got := run("run", "."); got != want {
		t.Errorf("after upgrade, go run = %q, want %q", got, want)
	}
}

func TestBuildErrors(t *testing.T) {
	const gomod = "-- go.mod --\nmodule example.com/m\n"
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"no go.mod", "example.com_m_v1.0.0.txtar", "-- m.go --\npackage m\n", "missing go.mod"},
		{"no module line", "example.com_m_v1.0.0.txtar", "-- go.mod --\ngo 1.21\n", "no module line"},
		{"no version", "m.txtar", gomod, "file name"},
		{"bad version", "example.com_m_1.0.txtar", gomod, "not a canonical"},
		{"noncanonical version", "example.com_m_v1.0.txtar", gomod, "not a canonical"},
		{"major mismatch", "example.com_m_v2.0.0.txtar", gomod, "v0 or v1"},
		{"v2 path v1 version", "example.com_m_v2_v1.0.0.txtar", "-- go.mod --\nmodule example.com/m/v2\n", "v2"},
		{"info mismatch", "example.com_m_v1.0.0.txtar", gomod + "-- .info --\n{\"Version\":\"v1.0.1\"}\n", "does not match"},
		{"bad info", "example.com_m_v1.0.0.txtar", gomod + "-- .info --\n{\n", ".info"},
		{"nested module", "example.com_m_v1.0.0.txtar", gomod + "-- sub/go.mod --\nmodule example.com/m/sub\n", "omitted"},
		{"dot mod", "example.com_m_v1.0.0.txtar", gomod + "-- .mod --\nmodule example.com/m\n", ".mod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := t.TempDir()
			write(t, filepath.Join(src, tc.file), tc.content)
			err := testproxy.Build(src, t.TempDir())
			if err == nil {
				t.Fatalf("Build succeeded, want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.file) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q should name %s and contain %q", err, tc.file, tc.want)
			}
		})
	}

	t.Run("duplicate version", func(t *testing.T) {
		src := t.TempDir()
		write(t, filepath.Join(src, "example.com_m_v1.0.0.txtar"), gomod)
		write(t, filepath.Join(src, "other_v1.0.0.txtar"), gomod)
		err := testproxy.Build(src, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "duplicate module example.com/m@v1.0.0") {
			t.Errorf("Build error = %v, want duplicate module", err)
		}
	})
}

func TestURL(t *testing.T) {
	for _, dir := range []string{"/tmp/proxy", "/tmp/with space,comma%/p"} {
		u := testproxy.URL(dir)
		if !strings.HasPrefix(u, "file:///") || strings.ContainsAny(u, " ,") {
			t.Errorf("URL(%q) = %q", dir, u)
		}
		parsed, err := url.Parse(u)
		if err != nil || parsed.Path != dir {
			t.Errorf("URL(%q) = %q parses to path %q, %v", dir, u, parsed.Path, err)
		}
	}
	if u := testproxy.URL("rel"); !strings.HasPrefix(u, "file:///") {
		t.Errorf("URL(rel) = %q, want absolute file URL", u)
	}
}

func write(t *testing.T, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
}

func checkFile(t *testing.T, file, want string) {
	t.Helper()
	got, err := os.ReadFile(file)
	if err != nil {
		t.Error(err)
		return
	}
	if string(got) != want {
		t.Errorf("%s = %q, want %q", file, got, want)
	}
}
