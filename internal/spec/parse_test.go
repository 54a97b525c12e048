package spec

import (
	"reflect"
	"strings"
	"testing"
)

// testDir is the absolute directory that relative manifest paths resolve
// against in these tests.
const testDir = "/work/proj"

// at is the position of manifest text in weld.yaml.
func at(line, col int) Pos { return Pos{File: "weld.yaml", Line: line, Col: col} }

// manifest joins lines into a manifest, so that positions in the tables can
// be read off the line numbers.
func manifest(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

type parseTest struct {
	desc    string
	input   string
	want    *Spec  // checked when wantErr is ""
	wantErr string // the exact error message
}

func runParseTests(t *testing.T, tests []parseTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got, err := Parse("weld.yaml", testDir, []byte(tt.input))
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Parse succeeded with %+v, want error\n%s", got, tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Fatalf("Parse error:\n got: %s\nwant: %s", err, tt.wantErr)
				}
				if _, ok := err.(*Error); !ok {
					t.Errorf("Parse error is %T, want *spec.Error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse mismatch:\n got: %#v\nwant: %#v", got, tt.want)
			}
		})
	}
}

func TestParseValid(t *testing.T) {
	runParseTests(t, []parseTest{
		{
			desc: "every key",
			input: manifest(
				"name: imgserver", // 1
				"version: 1.4.0",
				"app:",
				"  module: example.com/img",
				"  version: v1.2.3", // 5
				"  package: example.com/img/cmd/imgserver",
				"plugins:",
				"  - module: example.com/plugins/cairo",
				"    version: latest",
				"  - module: example.com/plugins/webp", // 10
				"    path: ../webp",
				"  - module: example.com/plugins/multi",
				"    path: ./multi",
				"    package: example.com/plugins/multi/jpeg",
				"  - package: example.com/img/plugins/png", // 15
				"build:",
				"  tags: [netgo, osusergo]",
				"  ldflags: -s -w -X main.v=1",
				"  env:",
				"    GOFLAGS: -gcflags=-N", // 20
				"    CGO_CFLAGS: -O2",
				"    AAA: \"1\"",
				"  cgo: on",
				"replace:",
				"  - example.com/old => ./forks/old", // 25
				"  - example.com/lib@v1.0.0 => example.com/libfork@v1.2.0",
				"exclude:",
				"  - example.com/bad@v1.0.0",
			),
			want: &Spec{
				File: "weld.yaml", Dir: testDir,
				Name: "imgserver", Version: "1.4.0", NamePos: at(1, 7), VersionPos: at(2, 10),
				App: App{Source: Source{Module: "example.com/img", Version: "v1.2.3", Package: "example.com/img/cmd/imgserver", Pos: at(4, 3)}},
				Plugins: []Plugin{
					{Source: Source{Module: "example.com/plugins/cairo", Version: "latest", Pos: at(8, 5)}},
					{Source: Source{Module: "example.com/plugins/webp", Dir: "/work/webp", RelDir: "../webp", Pos: at(10, 5)}},
					{Source: Source{Module: "example.com/plugins/multi", Dir: "/work/proj/multi", RelDir: "./multi", Package: "example.com/plugins/multi/jpeg", Pos: at(12, 5)}},
					{Source: Source{Package: "example.com/img/plugins/png", Pos: at(15, 5)}},
				},
				Build: Build{
					Tags:    []string{"netgo", "osusergo"},
					Ldflags: "-s -w -X main.v=1",
					Env:     []string{"GOFLAGS=-gcflags=-N", "CGO_CFLAGS=-O2", "AAA=1"},
					Cgo:     CgoOn,
					CgoPos:  at(23, 8),
				},
				Replace: []Replace{
					{OldPath: "example.com/old", NewPath: "/work/proj/forks/old", Pos: at(25, 5)},
					{OldPath: "example.com/lib", OldVersion: "v1.0.0", NewPath: "example.com/libfork", NewVersion: "v1.2.0", Pos: at(26, 5)},
				},
				Exclude: []Exclude{{Path: "example.com/bad", Version: "v1.0.0", Pos: at(28, 5)}},
			},
		},
		{
			desc: "local app with entry, tags as a comma string, default name drops /v2",
			input: manifest(
				"app:",
				"  module: example.com/tools/v2",
				"  path: ../tools",
				"  entry: example.com/tools/v2/cli.Main",
				"build:",
				"  tags: \"netgo,osusergo, sqlite\"",
				"  cgo: off",
			),
			want: &Spec{
				File: "weld.yaml", Dir: testDir, Name: "tools",
				App: App{
					Source: Source{Module: "example.com/tools/v2", Dir: "/work/tools", RelDir: "../tools", Pos: at(2, 3)},
					Entry:  "example.com/tools/v2/cli.Main",
				},
				Build: Build{Tags: []string{"netgo", "osusergo", "sqlite"}, Cgo: CgoOff, CgoPos: at(7, 8)},
			},
		},
		{
			desc: "default name is the last element of the main package, without /vN",
			input: manifest(
				"app:",
				"  module: example.com/app",
				"  version: v1.0.0",
				"  package: example.com/app/cmd/server/v3",
			),
			want: &Spec{
				File: "weld.yaml", Dir: testDir, Name: "server",
				App:   App{Source: Source{Module: "example.com/app", Version: "v1.0.0", Package: "example.com/app/cmd/server/v3", Pos: at(2, 3)}},
				Build: Build{Cgo: CgoAuto},
			},
		},
		{
			desc:  "default name of a /vN module root, absolute path kept",
			input: manifest("app: {module: example.com/app/v4, path: /src/app/}"),
			want: &Spec{
				File: "weld.yaml", Dir: testDir, Name: "app",
				App:   App{Source: Source{Module: "example.com/app/v4", Dir: "/src/app", RelDir: "/src/app/", Pos: at(1, 6)}},
				Build: Build{Cgo: CgoAuto},
			},
		},
		{
			desc: "numbers and booleans are read as their text; space-separated tags; cgo auto",
			input: manifest(
				"version: 1.10",
				"app:",
				"  module: example.com/app",
				"  path: .",
				"build:",
				"  tags: a b",
				"  env:",
				"    N: 3",
				"    B: true",
				"  cgo: auto",
			),
			want: &Spec{
				File: "weld.yaml", Dir: testDir, Name: "app", Version: "1.10", VersionPos: at(1, 10),
				App:   App{Source: Source{Module: "example.com/app", Dir: testDir, RelDir: ".", Pos: at(3, 3)}},
				Build: Build{Tags: []string{"a", "b"}, Env: []string{"N=3", "B=true"}, Cgo: CgoAuto, CgoPos: at(10, 8)},
			},
		},
		{
			desc: "empty lists and null optional keys",
			input: manifest(
				"app: {module: example.com/app, version: latest}",
				"plugins: []",
				"replace:",
				"exclude: []",
				"build:",
				"  tags:",
			),
			want: &Spec{
				File: "weld.yaml", Dir: testDir, Name: "app",
				App:   App{Source: Source{Module: "example.com/app", Version: "latest", Pos: at(1, 6)}},
				Build: Build{Cgo: CgoAuto},
			},
		},
		{
			desc: "aliases are followed",
			input: manifest(
				"app:",
				"  module: example.com/app",
				"  version: &v v1.5.0",
				"plugins:",
				"  - module: example.com/p",
				"    version: *v",
			),
			want: &Spec{
				File: "weld.yaml", Dir: testDir, Name: "app",
				App:     App{Source: Source{Module: "example.com/app", Version: "v1.5.0", Pos: at(2, 3)}},
				Plugins: []Plugin{{Source: Source{Module: "example.com/p", Version: "v1.5.0", Pos: at(5, 5)}}},
				Build:   Build{Cgo: CgoAuto},
			},
		},
		{
			desc: "replace forms: dir with old version, absolute dir, parent dir",
			input: manifest(
				"app: {module: example.com/app, version: v1.0.0}",
				"replace:",
				"  - example.com/a@v1.1.0 => ./a",
				"  - example.com/b => /opt/b",
				"  - example.com/c=>../c",
				"  - example.com/d => .",
			),
			want: &Spec{
				File: "weld.yaml", Dir: testDir, Name: "app",
				App:   App{Source: Source{Module: "example.com/app", Version: "v1.0.0", Pos: at(1, 6)}},
				Build: Build{Cgo: CgoAuto},
				Replace: []Replace{
					{OldPath: "example.com/a", OldVersion: "v1.1.0", NewPath: "/work/proj/a", Pos: at(3, 5)},
					{OldPath: "example.com/b", NewPath: "/opt/b", Pos: at(4, 5)},
					{OldPath: "example.com/c", NewPath: "/work/c", Pos: at(5, 5)},
					{OldPath: "example.com/d", NewPath: testDir, Pos: at(6, 5)},
				},
			},
		},
		{
			desc: "plugin package of the app module",
			input: manifest(
				"app: {module: example.com/app, version: v1.0.0}",
				"plugins:",
				"  - {module: example.com/app, version: v1.0.0, package: example.com/app/plugins/x}",
			),
			want: &Spec{
				File: "weld.yaml", Dir: testDir, Name: "app",
				App:     App{Source: Source{Module: "example.com/app", Version: "v1.0.0", Pos: at(1, 6)}},
				Plugins: []Plugin{{Source: Source{Module: "example.com/app", Version: "v1.0.0", Package: "example.com/app/plugins/x", Pos: at(3, 5)}}},
				Build:   Build{Cgo: CgoAuto},
			},
		},
	})
}

func TestPosString(t *testing.T) {
	tests := []struct {
		pos  Pos
		want string
	}{
		{Pos{File: "weld.yaml", Line: 3, Col: 7}, "weld.yaml:3:7"},
		{Pos{File: "weld.yaml", Line: 3}, "weld.yaml:3"},
		{Pos{File: "--with #2"}, "--with #2"},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

func TestSourceHelpers(t *testing.T) {
	tests := []struct {
		src              Source
		local            bool
		importPath, text string
	}{
		{Source{Module: "example.com/m", Version: "v1.0.0"}, false, "example.com/m", "example.com/m@v1.0.0"},
		{Source{Module: "example.com/m", Dir: "/abs/m", RelDir: "../m", Package: "example.com/m/p"}, true, "example.com/m/p", "example.com/m=../m"},
		{Source{Package: "example.com/m/p"}, false, "example.com/m/p", ""},
	}
	for _, tt := range tests {
		if got := tt.src.Local(); got != tt.local {
			t.Errorf("%+v.Local() = %v, want %v", tt.src, got, tt.local)
		}
		if got := tt.src.ImportPath(); got != tt.importPath {
			t.Errorf("%+v.ImportPath() = %q, want %q", tt.src, got, tt.importPath)
		}
		if got := tt.src.String(); got != tt.text {
			t.Errorf("%+v.String() = %q, want %q", tt.src, got, tt.text)
		}
	}
}

func TestEntryPackage(t *testing.T) {
	tests := []struct{ entry, pkg, fn string }{
		{"example.com/app/cmd.Main", "example.com/app/cmd", "Main"},
		{"example.com/app.Run", "example.com/app", "Run"},
		{"Main", "", "Main"},
		{"", "", ""},
	}
	for _, tt := range tests {
		pkg, fn := App{Entry: tt.entry}.EntryPackage()
		if pkg != tt.pkg || fn != tt.fn {
			t.Errorf("EntryPackage(%q) = %q, %q; want %q, %q", tt.entry, pkg, fn, tt.pkg, tt.fn)
		}
	}
}
