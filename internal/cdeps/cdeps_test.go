package cdeps

import (
	"reflect"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/spec"
)

func TestPkgConfigNames(t *testing.T) {
	tests := []struct {
		description string
		input       []string
		want        []string
	}{
		{"none", nil, nil},
		{"one module", []string{"cairo"}, []string{"cairo"}},
		{"options dropped", []string{"--static", "cairo", "--define-variable=prefix=/x", "libpng16"}, []string{"cairo", "libpng16"}},
		{"double dash dropped", []string{"--", "zlib"}, []string{"zlib"}},
		{"order kept", []string{"zlib", "cairo"}, []string{"zlib", "cairo"}},
		{"only options", []string{"--static"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := pkgConfigNames(tt.input); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pkgConfigNames(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}

func TestLibNames(t *testing.T) {
	tests := []struct {
		description string
		input       []string
		want        []string
	}{
		{"none", nil, nil},
		{"joined", []string{"-lsqlite3"}, []string{"sqlite3"}},
		{"separate", []string{"-l", "z"}, []string{"z"}},
		{"mixed with other flags", []string{"-L/opt/lib", "-lm", "-Wl,-rpath,/opt/lib", "-pthread", "-lstdc++"}, []string{"m", "stdc++"}},
		{"-l at the end has no name", []string{"-lm", "-l"}, []string{"m"}},
		{"other flags starting with -l or -L", []string{"-L", "/x", "-static-libgcc", "-lib"}, []string{"ib"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := libNames(tt.input); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("libNames(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}

func TestUniq(t *testing.T) {
	tests := []struct {
		description string
		input       []string
		want        []string
	}{
		{"nil", nil, nil},
		{"one", []string{"a"}, []string{"a"}},
		{"sorted", []string{"c", "a", "b"}, []string{"a", "b", "c"}},
		{"duplicates apart", []string{"z", "m", "z", "m", "a"}, []string{"a", "m", "z"}},
		{"all the same", []string{"x", "x", "x"}, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			in := append([]string(nil), tt.input...)
			if got := uniq(in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("uniq(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}

// composition builds a Composition of the manifest and packages by hand.
func composition(t *testing.T, manifest string, plugins []compose.Plugin, pkgs ...*compose.Package) *compose.Composition {
	t.Helper()
	s, err := spec.Parse("weld.yaml", "/proj", []byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	for i := range plugins {
		plugins[i].Spec = s.Plugins[i]
	}
	return &compose.Composition{Spec: s, App: compose.Module{Path: s.App.Module, Version: s.App.Version}, Plugins: plugins, Packages: pkgs}
}

func pkg(path string, cgo bool, deps ...string) *compose.Package {
	p := &compose.Package{ImportPath: path, Deps: deps}
	if cgo {
		p.CgoFiles = []string{"c.go"}
	}
	return p
}

func TestFind(t *testing.T) {
	manifest := strings.Join([]string{
		"app: {module: example.com/app, version: v1.0.0, package: example.com/app/cmd/app}", // 1
		"plugins:",
		"  - {module: example.com/cairo, version: v1.2.0}", // 3
		"  - {module: example.com/stamp, path: ./stamp, package: example.com/stamp/hook}",
		"  - {module: example.com/pure, version: latest}", // 5
		"  - {package: example.com/app/extra}",
		"  - {module: example.com/gone, version: v1.0.0}", // 7
	}, "\n")
	plugins := []compose.Plugin{
		{Module: compose.Module{Path: "example.com/cairo", Version: "v1.2.0"}, Package: "example.com/cairo"},
		{Module: compose.Module{Path: "example.com/stamp", Local: true}, Package: "example.com/stamp/hook"},
		{Module: compose.Module{Path: "example.com/pure", Version: "v0.3.0"}, Package: "example.com/pure"},
		{Module: compose.Module{Path: "example.com/app", Version: "v1.0.0"}, Package: "example.com/app/extra"},
		{Module: compose.Module{Path: "example.com/gone", Version: "v1.0.0"}, Package: "example.com/gone"},
	}
	zlib := pkg("example.com/zlib", true)
	zlib.CgoPkgConfig = []string{"zlib"}
	zlib.CgoLDFLAGS = []string{"-lz"}
	cairo := pkg("example.com/cairo", true, "fmt", "runtime/cgo", "example.com/zlib", "example.com/cairo/internal/png")
	cairo.CgoPkgConfig = []string{"--static", "cairo", "cairo-png"}
	cairoPNG := pkg("example.com/cairo/internal/png", true)
	cairoPNG.CgoPkgConfig = []string{"libpng16", "zlib"}
	stamp := pkg("example.com/stamp/hook", false, "example.com/stamp/cxx", "example.com/zlib", "net")
	stampCXX := pkg("example.com/stamp/cxx", true)
	stampCXX.CgoLDFLAGS = []string{"-lstdc++", "-lm"}
	sqlite := pkg("example.com/sqlite", true)
	sqlite.CgoLDFLAGS = []string{"-L/opt/lib", "-l", "sqlite3"}
	extra := pkg("example.com/app/extra", true)
	extra.CgoLDFLAGS = []string{"-lrt"}
	std := func(path string) *compose.Package {
		p := pkg(path, true)
		p.Standard = true
		p.CgoLDFLAGS = []string{"-lresolv"}
		return p
	}
	c := composition(t, manifest, plugins,
		pkg("example.com/app/cmd/app", false, "fmt", "net", "runtime/cgo", "example.com/sqlite", "example.com/missing"),
		pkg("fmt", false), std("net"), std("runtime/cgo"),
		sqlite, zlib, cairo, cairoPNG, stamp, stampCXX, extra,
		pkg("example.com/pure", false, "fmt", "net"),
	)
	want := []Need{
		{Owner: Owner{"app", "example.com/app", "example.com/app@v1.0.0", "weld.yaml:1:6"},
			Packages: []string{"example.com/sqlite"}, Libs: []string{"sqlite3"}},
		{Owner: Owner{"plugin", "example.com/cairo", "example.com/cairo@v1.2.0", "weld.yaml:3:5"},
			Packages:  []string{"example.com/cairo", "example.com/zlib", "example.com/cairo/internal/png"},
			PkgConfig: []string{"cairo", "cairo-png", "libpng16", "zlib"}, Libs: []string{"z"}},
		{Owner: Owner{"plugin", "example.com/stamp", "example.com/stamp=./stamp", "weld.yaml:4:5"},
			Packages:  []string{"example.com/stamp/cxx", "example.com/zlib"},
			PkgConfig: []string{"zlib"}, Libs: []string{"m", "stdc++", "z"}},
		{Owner: Owner{"plugin", "example.com/pure", "example.com/pure@latest", "weld.yaml:5:5"}},
		{Owner: Owner{"plugin", "example.com/app", "example.com/app/extra", "weld.yaml:6:5"},
			Packages: []string{"example.com/app/extra"}, Libs: []string{"rt"}},
		{Owner: Owner{"plugin", "example.com/gone", "example.com/gone@v1.0.0", "weld.yaml:7:5"}},
	}
	got := Find(c)
	if len(got) != len(want) {
		t.Fatalf("Find returned %d needs, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(normalize(got[i]), normalize(want[i])) {
			t.Errorf("need %d:\n got: %+v\nwant: %+v", i, got[i], want[i])
		}
		if got[i].UsesCgo() != (len(want[i].Packages) > 0) {
			t.Errorf("need %d: UsesCgo = %v", i, got[i].UsesCgo())
		}
	}
}

// normalize treats nil and empty lists alike.
func normalize(n Need) Need {
	for _, s := range []*[]string{&n.Packages, &n.PkgConfig, &n.Libs} {
		if len(*s) == 0 {
			*s = nil
		}
	}
	return n
}

func TestFindEntryApp(t *testing.T) {
	c := composition(t, "app: {module: example.com/tool, version: v2.0.0, entry: example.com/tool/cli.Main}\n", nil,
		pkg("example.com/tool", true), // the module root is not what is built
		&compose.Package{ImportPath: "example.com/tool/cli", Deps: []string{"example.com/tool/db"}},
		&compose.Package{ImportPath: "example.com/tool/db", CgoFiles: []string{"db.go"}, CgoPkgConfig: []string{"sqlite3"}},
	)
	got := Find(c)
	want := []Need{{Owner: Owner{"app", "example.com/tool", "example.com/tool@v2.0.0", "weld.yaml:1:6"},
		Packages: []string{"example.com/tool/db"}, PkgConfig: []string{"sqlite3"}}}
	if len(got) != 1 || !reflect.DeepEqual(normalize(got[0]), normalize(want[0])) {
		t.Errorf("Find = %+v\nwant %+v", got, want)
	}
}
