package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gocloud.dev/blob"

	"github.com/weldgo/weld/internal/store"
)

// The S3 server honours a conditional create (PutObject with
// If-None-Match: *): the second create of a key fails with a precondition
// error and leaves the first object. weld serve's build lease relies on it.
func TestS3ConditionalCreate(t *testing.T) {
	s3 := startS3(t)
	s3.Setenv(t)
	ctx := context.Background()
	b, err := store.Open(ctx, s3.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	create := &blob.WriterOptions{IfNotExist: true}
	if err := b.WriteAll(ctx, "leases/build", []byte("replica A"), create); err != nil {
		t.Fatalf("first conditional create: %v", err)
	}
	err = b.WriteAll(ctx, "leases/build", []byte("replica B"), create)
	if !store.IsPreconditionFailed(err) {
		t.Fatalf("second conditional create: %v, want a precondition failure", err)
	}
	if got, err := b.ReadAll(ctx, "leases/build"); err != nil || string(got) != "replica A" {
		t.Fatalf("lease holds %q, %v; want the first writer's", got, err)
	}
	if _, err := b.ReadAll(ctx, "missing"); !store.IsNotExist(err) {
		t.Fatalf("reading a missing key: %v, want not-exist", err)
	}
}

// Two clean machines sharing an S3 store: the second compiles nothing.
func TestCacheprogS3(t *testing.T) {
	requireTool(t, "go")
	s3 := startS3(t)
	mod := helloModule(t)
	prog := "weld cacheprog -v --store '" + s3.URL + "' --dir "
	first := goBuildWith(t, mod, s3.Env, prog+t.TempDir(), "hello1")
	if !compileLine.MatchString(first) {
		t.Fatalf("the first build compiled nothing:\n%s", first)
	}
	if !regexp.MustCompile(`weld cacheprog: \d+ gets: .*; [1-9]\d* puts: [1-9]\d* uploaded, 0 failed`).MatchString(first) {
		t.Fatalf("the first build uploaded nothing:\n%s", first)
	}
	objects, _ := filepath.Glob(filepath.Join(s3.Dir, s3.Bucket, "cacheprog", "o", "*"))
	if len(objects) == 0 {
		t.Fatalf("no objects in the S3 server's bucket %s", s3.Dir)
	}

	second := goBuildWith(t, mod, s3.Env, prog+t.TempDir(), "hello2")
	if m := compileLine.FindString(second); m != "" {
		t.Errorf("the second build compiled (%s):\n%s", m, second)
	}
	if !regexp.MustCompile(`weld cacheprog: \d+ gets: \d+ local hits, [1-9]\d* store hits`).MatchString(second) {
		t.Errorf("the second build had no store hits:\n%s", second)
	}
	one, _ := os.ReadFile(filepath.Join(mod, "hello1"))
	two, _ := os.ReadFile(filepath.Join(mod, "hello2"))
	if len(one) == 0 || !bytes.Equal(one, two) {
		t.Errorf("the two builds linked different binaries (%d and %d bytes)", len(one), len(two))
	}

	// Damaged objects on the server are misses: the build compiles and
	// succeeds. (The S3 client may notice first, from the checksum the
	// server stored; either way each is a warning and a miss.)
	for _, object := range objects {
		damageInPlace(t, object)
	}
	third := goBuildWith(t, mod, s3.Env, prog+t.TempDir(), "hello3")
	if !compileLine.MatchString(third) || !strings.Contains(third, "; compiling instead") {
		t.Errorf("the build from damaged objects did not compile, or did not warn:\n%s", third)
	}
	if !regexp.MustCompile(`weld cacheprog: \d+ gets: \d+ local hits, 0 store hits`).MatchString(third) {
		t.Errorf("the build from damaged objects had store hits:\n%s", third)
	}
	if three, _ := os.ReadFile(filepath.Join(mod, "hello3")); !bytes.Equal(one, three) {
		t.Errorf("the build from damaged objects linked another binary")
	}

	// That build stored the objects again: the next one compiles nothing.
	fourth := goBuildWith(t, mod, s3.Env, prog+t.TempDir(), "hello4")
	if m := compileLine.FindString(fourth); m != "" || strings.Contains(fourth, "warning") {
		t.Errorf("the build after the damage was repaired compiled (%s) or warned:\n%s", m, fourth)
	}
}

// damageInPlace changes a file's first byte, keeping its size, as a disk
// or a faulty copy might.
func damageInPlace(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		data = []byte("x")
	} else {
		data[0] ^= 0xff
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// compileLine is the compiler's invocation in go build -x output.
var compileLine = regexp.MustCompile(`(?m)/compile .*$`)

// helloModule writes a module whose build compiles only the runtime and
// its own package.
func helloModule(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":  "module example.com/hello\n\ngo 1.26\n",
		"main.go": "package main\n\nfunc main() { println(\"hello\") }\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// goBuildWith runs go build -x in dir with an empty GOCACHE and the
// cache program, and returns its standard error.
func goBuildWith(t *testing.T, dir string, env []string, cacheprog, out string) string {
	t.Helper()
	cmd := exec.Command("go", "build", "-x", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(withoutTestProxy(os.Environ()), env...)
	cmd.Env = append(cmd.Env, "GOCACHE="+t.TempDir(), "GOCACHEPROG="+cacheprog,
		"GOTOOLCHAIN=local", "GOWORK=off", "GOPROXY=off", "GOFLAGS=-modcacherw",
		"WELD_CACHE="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build with GOCACHEPROG=%s: %v\n%s", cacheprog, err, stderr.String())
	}
	return stderr.String()
}
