package build

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/weldgo/weld/internal/compose"
)

// compilerPosition is the file at the start of a compiler error line
// ("../p.go:7:9: not enough arguments").
var compilerPosition = regexp.MustCompile(`^(\S+\.go):\d+:`)

// failingFiles returns the files that the compiler's errors for package
// pkg name, made absolute against dir, where go build ran.
func failingFiles(stderr, pkg, dir string) []string {
	var files []string
	seen := map[string]bool{}
	in := false
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "# ") {
			in = strings.TrimPrefix(line, "# ") == pkg
			continue
		}
		m := compilerPosition.FindStringSubmatch(line)
		if !in || m == nil {
			continue
		}
		file := m[1]
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		if !seen[file] {
			seen[file] = true
			files = append(files, file)
		}
	}
	return files
}

// shiftedImports describes each module that the files of module (a kind:
// "plugin", "app", "module") import at a selected version other than the
// one the module requires: the likeliest reason why code that compiled
// for its author does not compile here, and who raised the version (the
// answer of weld why).
func shiftedImports(comp *compose.Composition, module *compose.ListModule, kind string, files []string) []string {
	required := requirements(module)
	if len(required) == 0 {
		return nil
	}
	selected := map[string]string{}
	for _, m := range comp.BuildList {
		if !m.Local {
			selected[m.Path] = m.Version
		}
	}
	moduleOf := map[string]string{}
	for _, p := range comp.Packages {
		if p.Module != nil {
			moduleOf[p.ImportPath] = p.Module.Path
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, file := range files {
		if rel, err := filepath.Rel(module.Dir, file); module.Dir == "" || err != nil || strings.HasPrefix(rel, "..") {
			continue // not the module's own file (a generated or overlaid one)
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				continue
			}
			m := moduleOf[path]
			req, sel := required[m], selected[m]
			if m == "" || m == module.Path || seen[m] || req == "" || sel == "" || req == sel {
				continue
			}
			seen[m] = true
			out = append(out, m+" "+sel+" (selected; the "+kind+" requires "+req+"), "+comp.RaisedBy(m)+" (weld why "+m+")")
		}
	}
	return out
}

// requirements returns the versions that a module's go.mod requires, by
// module path; nil when it cannot be read.
func requirements(module *compose.ListModule) map[string]string {
	name := module.GoMod
	if module.Dir != "" {
		name = filepath.Join(module.Dir, "go.mod")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	f, err := modfile.ParseLax(name, data, nil)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, r := range f.Require {
		out[r.Mod.Path] = r.Mod.Version
	}
	return out
}
