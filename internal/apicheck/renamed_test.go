package apicheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

// typeCheckAll type-checks in-memory packages (path: source), in order,
// each importing those before it.
func typeCheckAll(t *testing.T, sources [][2]string) map[string]*types.Package {
	t.Helper()
	pkgs := map[string]*types.Package{}
	imp := importerFunc(func(path string) (*types.Package, error) {
		if p := pkgs[path]; p != nil {
			return p, nil
		}
		return nil, fmt.Errorf("no package %s", path)
	})
	for _, s := range sources {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", s[1], 0)
		if err != nil {
			t.Fatal(err)
		}
		p, err := (&types.Config{Importer: imp}).Check(s[0], fset, []*ast.File{f}, nil)
		if err != nil {
			t.Fatalf("%s: %v", s[0], err)
		}
		pkgs[s[0]] = p
	}
	return pkgs
}

func TestInternalTypeBecomesTheAliasName(t *testing.T) {
	const internalOld = "package tel\n\ntype Settings struct {\n\tName  string\n\tlevel int\n}\n\nfunc (s Settings) Level() int { return s.level }\n"
	const oldAPI = "package api\n\nimport \"example.com/api/internal/tel\"\n\ntype Settings = tel.Settings\n\ntype Config struct{ Tel Settings }\n\nfunc Use(Settings) {}\n"
	const sameNew = "package api\n\ntype Settings struct {\n\tName   string\n\tSchema string\n\t_      struct{}\n}\n\nfunc (s Settings) Level() int { return 0 }\n\ntype Config struct{ Tel Settings }\n\nfunc Use(Settings) {}\n"
	for _, tc := range []struct {
		name, internalPath, old, new string
		want                         []string
	}{{
		name:         "the new type keeps every exported field and method",
		internalPath: "example.com/api/internal/tel",
		old:          oldAPI, new: sameNew,
	}, {
		name:         "the new type lacks an exported field",
		internalPath: "example.com/api/internal/tel",
		old:          oldAPI,
		new:          strings.Replace(sameNew, "\tName   string\n", "", 1),
		want: []string{
			"Config.Tel: changed from example.com/api/internal/tel.Settings to Settings",
			"Settings: changed from example.com/api/internal/tel.Settings to Settings",
			"Use: changed from func(Settings) to func(Settings)",
		},
	}, {
		name:         "the new type lacks a method",
		internalPath: "example.com/api/internal/tel",
		old:          oldAPI,
		new:          strings.Replace(sameNew, "func (s Settings) Level() int { return 0 }\n", "", 1),
		want: []string{
			"Config.Tel: changed from example.com/api/internal/tel.Settings to Settings",
			"Settings: changed from example.com/api/internal/tel.Settings to Settings",
			"Use: changed from func(Settings) to func(Settings)",
		},
	}, {
		name:         "an alias of a package that plugins can name",
		internalPath: "example.com/api/tel",
		old:          strings.Replace(oldAPI, "internal/tel", "tel", 1), new: sameNew,
		want: []string{
			"Config.Tel: changed from example.com/api/tel.Settings to Settings",
			"Settings: changed from example.com/api/tel.Settings to Settings",
			"Use: changed from func(Settings) to func(Settings)",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			old := typeCheckAll(t, [][2]string{{tc.internalPath, internalOld}, {"example.com/api", tc.old}})["example.com/api"]
			newPkg := typeCheckAll(t, [][2]string{{"example.com/api", tc.new}})["example.com/api"]
			var got []string
			for _, c := range incompatibleChanges(old, newPkg) {
				got = append(got, c.subject+": "+c.msg)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// A type that moves to a package of its own, its old name kept as an
// alias (caddyconfig.Warning = warning.Warning), breaks nothing as long as
// the moved type keeps what it offered.
func TestTypeBecomesAnAlias(t *testing.T) {
	const oldAPI = "package api\n\ntype Warning struct {\n\tFile string\n\tLine int\n}\n\nfunc (w Warning) String() string { return w.File }\n\nfunc JSON(v any, warnings *[]Warning) []byte { return nil }\n"
	const moved = "package warning\n\ntype Warning struct {\n\tFile string\n\tLine int\n}\n\nfunc (w Warning) String() string { return w.File }\n"
	const newAPI = "package api\n\nimport \"example.com/api/warning\"\n\ntype Warning = warning.Warning\n\nfunc JSON(v any, warnings *[]Warning) []byte { return nil }\n"
	for _, tc := range []struct {
		name, moved string
		want        []string
	}{
		{name: "the moved type keeps its fields and methods", moved: moved},
		{name: "the moved type lost a field", moved: strings.Replace(moved, "\tLine int\n", "", 1),
			want: []string{"JSON: changed from func(any, *[]Warning) []byte to func(any, *[]Warning) []byte", "Warning: changed from Warning to example.com/api/warning.Warning"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := typeCheckAll(t, [][2]string{{"example.com/api", oldAPI}})["example.com/api"]
			newPkg := typeCheckAll(t, [][2]string{{"example.com/api/warning", tc.moved}, {"example.com/api", newAPI}})["example.com/api"]
			var got []string
			for _, c := range incompatibleChanges(old, newPkg) {
				got = append(got, c.subject+": "+c.msg)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
