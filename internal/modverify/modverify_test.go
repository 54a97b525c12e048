package modverify

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/weldgo/weld/internal/outcache"
)

// pristine is a module's content as published.
var pristine = map[string]string{
	"go.mod":         "module example.com/hello\n\ngo 1.22\n",
	"hello.go":       "package hello\n\nconst Greeting = \"hello from v1.0.0\"\n",
	"sub/sub.go":     "package sub\n",
	"sub/data/x.txt": "data\n",
}

// h1 is the go.sum hash of files as a module zip of path@version would
// have them, computed from the map, not from a directory.
func h1(t *testing.T, mod string, files map[string]string) string {
	t.Helper()
	var names []string
	for n := range files {
		names = append(names, mod+"/"+n)
	}
	sort.Strings(names)
	sum, err := dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(files[strings.TrimPrefix(name, mod+"/")])), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// moduleDir writes files as the module cache would: read-only files.
func moduleDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "example.com", "hello@v1.0.0")
	for n, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newStore(t *testing.T) *outcache.Store {
	return &outcache.Store{Dir: filepath.Join(t.TempDir(), "weld", "out")}
}

func helloModule(t *testing.T, dir string) Module {
	return Module{Path: "example.com/hello", Version: "v1.0.0", Dir: dir, Sum: h1(t, "example.com/hello@v1.0.0", pristine)}
}

// TestVerifyRemembers: the first check hashes, later ones only take the
// fingerprint, and a fingerprint changed by any edit hashes again.
func TestVerifyRemembers(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	m := helloModule(t, moduleDir(t, pristine))
	o := Options{Store: store}
	for i, wantHashed := range []int{1, 0, 0} {
		res, err := Verify(ctx, o, []Module{m})
		if err != nil {
			t.Fatalf("check %d: %v", i, err)
		}
		if res.Checked != 1 || res.Hashed != wantHashed {
			t.Errorf("check %d: %+v, want 1 checked, %d hashed", i, res, wantHashed)
		}
	}
	// Without a store every check hashes.
	for i := range 2 {
		res, err := Verify(ctx, Options{}, []Module{m})
		if err != nil || res.Hashed != 1 {
			t.Errorf("check %d without a store: %+v, %v; want hashed", i, res, err)
		}
	}
}

// TestVerifyCatchesTampering: every way of changing a verified module
// directory is caught on the next check, even when the edit keeps the
// size and sets the modification time back.
func TestVerifyCatchesTampering(t *testing.T) {
	tamper := []struct {
		description string
		change      func(t *testing.T, dir string)
	}{
		{"same-size edit, mtime restored", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "hello.go")
			fi, _ := os.Stat(p)
			edited := strings.Replace(pristine["hello.go"], "hello from", "HELLO FROM", 1)
			writeFile(t, p, edited)
			// Only the change time (which no user can set) now differs.
			if err := os.Chmod(p, fi.Mode()); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}},
		{"file appended to", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "hello.go"), pristine["hello.go"]+"func init() { panic(1) }\n")
		}},
		{"file added", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "evil.go"), "package hello\n") }},
		{"file added in a new directory", func(t *testing.T, dir string) {
			os.MkdirAll(filepath.Join(dir, "x"), 0o755)
			writeFile(t, filepath.Join(dir, "x", "x.go"), "package x\n")
		}},
		{"file removed", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "sub", "sub.go")) }},
		{"file renamed", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "sub", "data", "x.txt"), filepath.Join(dir, "sub", "data", "y.txt"))
		}},
	}
	for _, tt := range tamper {
		t.Run(tt.description, func(t *testing.T) {
			ctx := context.Background()
			store := newStore(t)
			dir := moduleDir(t, pristine)
			m := helloModule(t, dir)
			if _, err := Verify(ctx, Options{Store: store}, []Module{m}); err != nil {
				t.Fatal(err)
			}
			os.Chmod(dir, 0o755)
			tt.change(t, dir)
			for i := range 2 { // the mismatch is not remembered as verified
				_, err := Verify(ctx, Options{Store: store}, []Module{m})
				var me *MismatchError
				if !errors.As(err, &me) || me.Module.Path != "example.com/hello" {
					t.Fatalf("check %d after tampering: %v, want a mismatch for example.com/hello", i, err)
				}
				for _, want := range []string{"example.com/hello@v1.0.0", dir, "does not match weld.lock", m.Sum, "go clean -modcache", "rm -rf " + dir} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %q", err, want)
					}
				}
			}
		})
	}
}

// TestVerifyRepaired: a directory put back as downloaded (new files, so a
// new fingerprint) verifies again.
func TestVerifyRepaired(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	dir := moduleDir(t, pristine)
	m := helloModule(t, dir)
	os.Chmod(dir, 0o755)
	writeFile(t, filepath.Join(dir, "hello.go"), "package hello\n// edited\n")
	if _, err := Verify(ctx, Options{Store: store}, []Module{m}); err == nil {
		t.Fatal("the edited directory verified")
	}
	writeFile(t, filepath.Join(dir, "hello.go"), pristine["hello.go"])
	if res, err := Verify(ctx, Options{Store: store}, []Module{m}); err != nil || res.Hashed != 1 {
		t.Fatalf("the repaired directory: %+v, %v", res, err)
	}
	if res, err := Verify(ctx, Options{Store: store}, []Module{m}); err != nil || res.Hashed != 0 {
		t.Fatalf("the repaired directory again: %+v, %v; want remembered", res, err)
	}
}

// TestVerifyCorruptRecord: a damaged fingerprint record is reported once,
// and the directory is hashed instead of trusted.
func TestVerifyCorruptRecord(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	dir := moduleDir(t, pristine)
	m := helloModule(t, dir)
	if _, err := Verify(ctx, Options{Store: store}, []Module{m}); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(filepath.Dir(store.Dir), outcache.VerifiedDirs, recordKey(m))
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 1
	writeFile(t, record, string(data))
	var warnings []string
	o := Options{Store: store, Warn: func(s string) { warnings = append(warnings, s) }}
	res, err := Verify(ctx, o, []Module{m})
	if err != nil || res.Hashed != 1 {
		t.Fatalf("Verify with a damaged record = %+v, %v; want hashed", res, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "was corrupt (sha256 mismatch)") || !strings.Contains(warnings[0], "example.com/hello@v1.0.0") {
		t.Errorf("warnings = %q, want one naming the module and the damage", warnings)
	}
	if res, err := Verify(ctx, o, []Module{m}); err != nil || res.Hashed != 0 || len(warnings) != 1 {
		t.Errorf("after re-hashing: %+v, %v, %q; want remembered again", res, err, warnings)
	}
}

// TestVerifyManyModules: each module is checked against its own hash; a
// missing directory is not an error; of several mismatches the first by
// path is named and the rest counted.
func TestVerifyManyModules(t *testing.T) {
	ctx := context.Background()
	good := helloModule(t, moduleDir(t, pristine))
	bad1 := good
	bad1.Path, bad1.Sum = "example.com/b", h1(t, "example.com/b@v1.0.0", map[string]string{"go.mod": "module example.com/b\n"})
	bad2 := good
	bad2.Path = "example.com/a"
	missing := good
	missing.Dir = filepath.Join(t.TempDir(), "gone@v1.0.0")
	res, err := Verify(ctx, Options{Store: newStore(t)}, []Module{bad1, good, missing, bad2})
	var me *MismatchError
	if !errors.As(err, &me) || me.Module.Path != "example.com/a" || me.Others != 1 {
		t.Fatalf("Verify = %v, want a mismatch naming example.com/a and one more", err)
	}
	if !strings.Contains(err.Error(), "and 1 more") {
		t.Errorf("error %q does not count the other mismatch", err)
	}
	if res.Checked != 3 || res.Missing != 1 {
		t.Errorf("result %+v, want 3 checked and 1 missing", res)
	}
}

func TestFingerprint(t *testing.T) {
	dir := moduleDir(t, pristine)
	a, err := Fingerprint(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Reading files, and taking the fingerprint again, change nothing.
	os.ReadFile(filepath.Join(dir, "hello.go"))
	if b, _ := Fingerprint(dir); a != b {
		t.Error("the fingerprint changed without any change to the directory")
	}
	// A copy of the directory has other inodes and times.
	other := moduleDir(t, pristine)
	time.Sleep(10 * time.Millisecond)
	if b, _ := Fingerprint(other); a == b {
		t.Error("two directories written separately have the same fingerprint")
	}
	if _, err := Fingerprint(filepath.Join(dir, "missing")); err == nil {
		t.Error("Fingerprint of a missing directory succeeded")
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	os.Chmod(name, 0o644)
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
