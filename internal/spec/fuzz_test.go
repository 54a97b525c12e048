package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzParse checks that no manifest makes Parse panic, and that every
// error it returns says where the problem is and stays short.
// The seeds are the example manifest and every manifest in the CLI
// scripts; crashers found by fuzzing are kept in testdata/fuzz/FuzzParse.
//
//	go test -run XXX -fuzz FuzzParse -fuzztime 60s ./internal/spec
func FuzzParse(f *testing.F) {
	for _, seed := range seedManifests(f) {
		f.Add(seed)
	}
	// Inputs at the edges: empty, binary, alias-heavy, and each kind of
	// value that Validate checks after decoding.
	for _, seed := range []string{
		"", "\x00", "\xff\xfe", "---\n", "name: x\n", "app: &a {module: *a}\n",
		"a: &a [*a, *a]\nb: &b [*a, *a]\napp: {module: example.com/app, version: v1}\n",
		"app: {module: example.com/app, version: -x}\nbuild: {cgo: yes, env: {GOOS: windows}}\n",
		"app: {module: example.com/app, path: .}\nplugins: [{module: example.com/p, path: p, targets: [linx/*]}]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("weld.yaml", "/work/proj", data)
		if err == nil {
			if s == nil || s.Name == "" || s.App.Module == "" {
				t.Fatalf("Parse succeeded with an incomplete Spec %+v", s)
			}
			if msg := checkName(s.Name); msg != "" {
				t.Fatalf("Parse accepted a bad name: %s", msg)
			}
			return
		}
		var se *Error
		if !errors.As(err, &se) {
			t.Fatalf("Parse error %T is not a *spec.Error: %v", err, err)
		}
		if se.Pos.File != "weld.yaml" || se.Pos.Line < 1 {
			t.Fatalf("Parse error without a line: %v", err)
		}
		if !strings.HasPrefix(err.Error(), se.Pos.String()+": ") {
			t.Fatalf("Parse error does not start with its position: %v", err)
		}
		if len(err.Error()) > 3000 {
			t.Fatalf("Parse error of %d bytes for %d bytes of input: %.300s...", len(err.Error()), len(data), err)
		}
	})
}

// seedManifests returns the manifests in the repository: the examples'
// weld.yaml and every weld*.yaml in the testscripts.
func seedManifests(f *testing.F) [][]byte {
	root := filepath.Join("..", "..")
	var seeds [][]byte
	examples, _ := filepath.Glob(filepath.Join(root, "examples", "*", "weld.yaml"))
	for _, name := range examples {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	scripts, _ := filepath.Glob(filepath.Join(root, "testdata", "script", "*.txtar"))
	for _, name := range scripts {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if b := filepath.Base(file.Name); strings.HasPrefix(b, "weld") && strings.HasSuffix(b, ".yaml") {
				seeds = append(seeds, file.Data)
			}
		}
	}
	if len(examples) == 0 || len(seeds) < 10 {
		f.Fatalf("found %d manifests (%d examples) to seed the fuzzer with; is the repository layout unchanged?", len(seeds), len(examples))
	}
	return seeds
}
