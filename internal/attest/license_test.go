package attest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const mitText = `MIT License

Copyright (c) 2026 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`

func TestModuleLicense(t *testing.T) {
	write := func(files map[string]string) string {
		dir := t.TempDir()
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"MIT", map[string]string{"LICENSE": mitText}, "MIT"},
		{"other name", map[string]string{"LICENSE.md": mitText}, "MIT"},
		{"two files", map[string]string{"COPYING": mitText, "LICENSE-MIT": mitText}, "MIT"},
		{"no license file", map[string]string{"README": mitText}, ""},
		{"too little license text", map[string]string{"LICENSE": "Copyright 2026 Someone. All rights reserved.\n" + strings.Repeat("Ask before you use it.\n", 20)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ModuleLicense(write(tt.files)); got != tt.want {
				t.Errorf("ModuleLicense = %q, want %q", got, tt.want)
			}
		})
	}
	// A real module of weld's own build, from the module cache.
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/spf13/cobra").Output()
	if err != nil {
		t.Fatalf("finding cobra in the module cache: %v", err)
	}
	if got := ModuleLicense(strings.TrimSpace(string(out))); got != "Apache-2.0" {
		t.Errorf("cobra's license = %q, want Apache-2.0", got)
	}
}
