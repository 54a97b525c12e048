package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/weldgo/weld/internal/lock/locktest"
	"github.com/weldgo/weld/internal/testproxy"
)

// TestReproducible builds the same lock twice in isolation, from different
// directories, with different HOME, GOPATH, GOCACHE and module caches, at
// different times and (when the test runs as root) as different users, and
// requires identical bytes for a native target and a cgo-off cross target.
func TestReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: -short, and the second build compiles the standard library from an empty cache")
	}
	requireTool(t, "go")
	root, err := os.MkdirTemp("", "weld-repro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	// World-readable, so that the second build can run as another user.
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	weld := filepath.Join(root, "weld")
	if out, err := exec.Command("go", "build", "-o", weld, ".").CombinedOutput(); err != nil {
		t.Fatalf("building weld: %v\n%s", err, out)
	}
	proxy := filepath.Join(root, "proxy")
	if err := testproxy.Build(proxySource(t), proxy); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(root, "a", "some", "deep", "checkout")
	second := filepath.Join(root, "b")
	extract(t, "../../testdata/repro/project.txtar", first)
	extract(t, "../../testdata/repro/project.txtar", second)

	targets := []string{"linux/amd64", "windows/amd64"}
	envA := isolatedEnv(filepath.Join(root, "envA"), proxy)
	envA = append(envA, "GOCACHE="+goEnv(t, "GOCACHE"), "TZ=UTC")
	runWeld(t, weld, first, envA, nil, "lock")
	lockData, err := os.ReadFile(filepath.Join(first, "weld.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(second, "weld.lock"), lockData, 0o644); err != nil {
		t.Fatal(err)
	}
	sumsA := buildTargets(t, weld, first, envA, nil, targets)

	envB := isolatedEnv(filepath.Join(root, "envB"), proxy)
	envB = append(envB, "GOCACHE="+filepath.Join(root, "envB", "gocache"), "TZ=Asia/Tokyo")
	var cred *syscall.Credential
	if os.Getuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		chownTree(t, filepath.Join(root, "envB"), second)
	} else {
		t.Log("not root: both builds run as the same user")
	}
	sumsB := buildTargets(t, weld, second, envB, cred, targets)
	if len(sumsA) != len(sumsB) {
		t.Errorf("the builds printed different files: %v vs %v", sumsA, sumsB)
	}
	for path, sum := range sumsA {
		if sumsB[path] != sum {
			t.Errorf("%s: isolated builds differ: %s vs %s", path, sum, sumsB[path])
		} else {
			t.Logf("%s: identical, sha256 %s", path, sum)
		}
	}
	lockB, err := os.ReadFile(filepath.Join(second, "weld.lock"))
	if err != nil || string(lockB) != string(lockData) {
		t.Errorf("the second build changed weld.lock (%v)", err)
	}
}

func isolatedEnv(dir, proxy string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(dir, "home"),
		"GOPATH=" + filepath.Join(dir, "gopath"), "GOMODCACHE=" + filepath.Join(dir, "gopath", "pkg", "mod"),
		"GOPROXY=" + testproxy.URL(proxy), "GONOSUMDB=example.com,github.com/weldgo", "GOSUMDB=off",
		"GOFLAGS=-modcacherw", "GOTOOLCHAIN=local", "WELD_CACHE=off", "TMPDIR=" + filepath.Join(dir, "tmp"),
	}
}

func buildTargets(t *testing.T, weld, dir string, env []string, cred *syscall.Credential, targets []string) map[string]string {
	args := []string{"build", "--locked"}
	for _, tg := range targets {
		args = append(args, "--target", tg)
	}
	out := runWeld(t, weld, dir, env, cred, args...)
	// Every file the build printed, by its path: each target's binary,
	// and the SBOMs and the provenance, which must not differ either.
	sums := map[string]string{}
	for _, path := range strings.Fields(out) {
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		sums[path] = hex.EncodeToString(sum[:])
	}
	binaries := 0
	for path := range sums {
		// dist/NAME_OS_ARCH/NAME[.exe]: a target's directory, not a
		// document beside it.
		if strings.Count(path, "/") == 2 && !strings.HasSuffix(path, ".json") {
			binaries++
		}
	}
	if binaries != len(targets) {
		t.Fatalf("weld printed %q, want %d binaries", out, len(targets))
	}
	return sums
}

func runWeld(t *testing.T, weld, dir string, env []string, cred *syscall.Credential, args ...string) string {
	t.Helper()
	for _, v := range env {
		if d, ok := strings.CutPrefix(v, "TMPDIR="); ok {
			os.MkdirAll(d, 0o755)
			if cred != nil {
				os.Chown(d, int(cred.Uid), int(cred.Gid))
			}
		}
	}
	cmd := exec.Command(weld, args...)
	cmd.Dir, cmd.Env = dir, env
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("weld %s in %s: %v\n%s", strings.Join(args, " "), dir, err, stderr.String())
	}
	return string(out)
}

func extract(t *testing.T, archive, dir string) {
	ar, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	writeArchive(t, dir, ar)
}

// writeArchive writes a txtar archive's files under dir.
func writeArchive(t *testing.T, dir string, ar *txtar.Archive) {
	t.Helper()
	files := map[string]string{}
	for _, f := range ar.Files {
		files[f.Name] = string(f.Data)
	}
	locktest.WriteFiles(t, dir, files)
}

func chownTree(t *testing.T, dirs ...string) {
	for _, d := range dirs {
		os.MkdirAll(d, 0o755)
		err := filepath.WalkDir(d, func(p string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, 65534, 65534)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
