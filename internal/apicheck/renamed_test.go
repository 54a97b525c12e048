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
