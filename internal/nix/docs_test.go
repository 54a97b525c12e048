package nix

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsListTable keeps docs/nix.md's tables equal to the mapping that
// weld uses.
func TestDocsListTable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "nix.md"))
	if err != nil {
		t.Fatal(err)
	}
	// Rows of the two library tables and of the systems table.
	mapping := regexp.MustCompile("^\\| `[^`]+` \\| (`[^`]*`|\\(stdenv\\)) \\|( `[^`]+` \\|)?$")
	rows := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if mapping.MatchString(line) {
			rows[line] = true
		}
	}
	wantRows := map[string]bool{}
	for _, table := range []map[string]string{pkgConfigAttrs, linkerAttrs} {
		for name, attr := range table {
			want := "`" + attr + "`"
			if attr == "" {
				want = "(stdenv)"
			}
			row := "| `" + name + "` | " + want + " |"
			if !rows[row] {
				t.Errorf("docs/nix.md lacks the row %s", row)
			}
			wantRows[row] = true
		}
	}
	for _, s := range systems {
		row := "| `" + s.Name + "` | `" + s.Target + "` | `" + s.Cross + "` |"
		if !rows[row] {
			t.Errorf("docs/nix.md lacks the row %s", row)
		}
		wantRows[row] = true
	}
	for row := range rows {
		if !wantRows[row] {
			t.Errorf("docs/nix.md has the row %s, which weld's tables do not", row)
		}
	}
}
