package sbomschema

import (
	"crypto/sha256"
	"encoding/hex"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// readmeRow matches a file's row of testdata/README.md's table:
// | `name` | `sha256` | ...
var readmeRow = regexp.MustCompile("(?m)^\\| `([^`]+)` \\| `([0-9a-f]{64})` \\|")

// TestSchemaFilesAreVerbatim: every embedded schema file has the sha256
// that testdata/README.md records for it, so no edit (an editor's
// reformatting included) goes unnoticed, and the README lists each one.
func TestSchemaFilesAreVerbatim(t *testing.T) {
	readme, err := os.ReadFile("testdata/README.md")
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]string{}
	for _, m := range readmeRow.FindAllStringSubmatch(string(readme), -1) {
		recorded[m[1]] = m[2]
	}
	var embedded []string
	for _, name := range embeddedByURL {
		embedded = append(embedded, filepath.Base(name))
		data, err := schemaFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		got := hex.EncodeToString(sum[:])
		if want, ok := recorded[filepath.Base(name)]; !ok {
			t.Errorf("testdata/README.md records no sha256 for %s (it is %s)", name, got)
		} else if got != want {
			t.Errorf("%s has sha256 %s, but testdata/README.md records %s: restore the published file", name, got, want)
		}
	}
	for name := range recorded {
		if !slices.Contains(embedded, name) {
			t.Errorf("testdata/README.md records %s, which is not embedded", name)
		}
	}
}

// TestOnlyTestsImportThisPackage: no non-test Go file of the module
// imports this package, so its embedded schemas never reach weld's binary.
func TestOnlyTestsImportThisPackage(t *testing.T) {
	const self = "github.com/weldgo/weld/internal/sbomschema"
	moduleRoot := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(moduleRoot, "go.mod")); err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// The go command ignores these directories too.
			if path != moduleRoot && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == self {
				t.Errorf("%s imports %s, which is for tests only: import it from a _test.go file", path, self)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("checked only %d Go files under %s: the walk is broken", checked, moduleRoot)
	}
}
