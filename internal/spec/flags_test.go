package spec

import (
	"reflect"
	"testing"
)

func flagPos(name string) Pos { return Pos{File: name} }

func TestFromFlags(t *testing.T) {
	tests := []struct {
		desc    string
		input   Flags
		want    *Spec
		wantErr string
	}{
		{
			desc:  "versioned app",
			input: Flags{App: "example.com/app@v1.2.3"},
			want: &Spec{
				Dir: testDir, Name: "app",
				App:   App{Source: Source{Module: "example.com/app", Version: "v1.2.3", Pos: flagPos("--app")}},
				Build: Build{Cgo: CgoAuto},
			},
		},
		{
			desc:  "bare module means latest",
			input: Flags{App: "example.com/app/v3"},
			want: &Spec{
				Dir: testDir, Name: "app",
				App:   App{Source: Source{Module: "example.com/app/v3", Version: "latest", Pos: flagPos("--app")}},
				Build: Build{Cgo: CgoAuto},
			},
		},
		{
			desc: "local app relative to dir, with package, plugins, name, build and replace",
			input: Flags{
				App:     "example.com/app=./app/",
				Package: "example.com/app/cmd/srv",
				Name:    "server",
				With: []string{
					"example.com/p1@v0.3.0",
					"example.com/p2=../p2",
					"example.com/p3",
					"example.com/p4=/abs/p4",
				},
				Build: Build{Tags: []string{"netgo"}, Ldflags: "-s", Env: []string{"A=1"}, Cgo: CgoOff, CgoPos: flagPos("--cgo")},
				Replace: []string{
					"example.com/dep => ./dep",
					"example.com/lib@v1.0.0 => example.com/fork@v1.0.1",
				},
			},
			want: &Spec{
				Dir: testDir, Name: "server", NamePos: flagPos("--name"),
				App: App{Source: Source{Module: "example.com/app", Dir: "/work/proj/app", RelDir: "app",
					Package: "example.com/app/cmd/srv", Pos: flagPos("--app")}},
				Plugins: []Plugin{
					{Source: Source{Module: "example.com/p1", Version: "v0.3.0", Pos: flagPos("--with #1")}},
					{Source: Source{Module: "example.com/p2", Dir: "/work/p2", RelDir: "../p2", Pos: flagPos("--with #2")}},
					{Source: Source{Module: "example.com/p3", Version: "latest", Pos: flagPos("--with #3")}},
					{Source: Source{Module: "example.com/p4", Dir: "/abs/p4", RelDir: "/abs/p4", Pos: flagPos("--with #4")}},
				},
				Build: Build{Tags: []string{"netgo"}, Ldflags: "-s", Env: []string{"A=1"}, Cgo: CgoOff, CgoPos: flagPos("--cgo")},
				Replace: []Replace{
					{OldPath: "example.com/dep", NewPath: "/work/proj/dep", Pos: flagPos("--replace #1")},
					{OldPath: "example.com/lib", OldVersion: "v1.0.0", NewPath: "example.com/fork", NewVersion: "v1.0.1", Pos: flagPos("--replace #2")},
				},
			},
		},
		{
			desc:  "entry app",
			input: Flags{App: "example.com/tool@latest", Entry: "example.com/tool/cli.Run"},
			want: &Spec{
				Dir: testDir, Name: "tool",
				App: App{
					Source: Source{Module: "example.com/tool", Version: "latest", Pos: flagPos("--app")},
					Entry:  "example.com/tool/cli.Run",
				},
				Build: Build{Cgo: CgoAuto},
			},
		},
		{desc: "missing --app", input: Flags{},
			wantErr: "--app: missing value; expected MODULE[@VERSION|=PATH]"},
		{desc: "empty path after =", input: Flags{App: "example.com/app="},
			wantErr: `--app: "example.com/app=": empty path after =`},
		{desc: "empty version after @", input: Flags{App: "example.com/app@"},
			wantErr: "--app: app needs a version (for example latest or v1.2.3) or a path to a local directory"},
		{desc: "invalid app module", input: Flags{App: "Example Com@v1.0.0"},
			wantErr: `--app: app: invalid module path: malformed module path "Example Com": invalid char ' '`},
		{desc: "app package outside the module", input: Flags{App: "example.com/app@v1", Package: "example.com/other"},
			wantErr: "--app: app.package example.com/other is not in the app module example.com/app"},
		{desc: "bad entry", input: Flags{App: "example.com/app@v1", Entry: "example.com/app.main"},
			wantErr: `--app: app.entry "example.com/app.main" must be IMPORTPATH.Func with an exported function, for example example.com/app/cmd.Main`},
		{desc: "empty --with", input: Flags{App: "example.com/app@v1", With: []string{"example.com/p@v1", ""}},
			wantErr: "--with #2: missing value; expected MODULE[@VERSION|=PATH]"},
		{desc: "--with with empty path", input: Flags{App: "example.com/app@v1", With: []string{"example.com/p="}},
			wantErr: `--with #1: "example.com/p=": empty path after =`},
		{desc: "invalid --with module", input: Flags{App: "example.com/app@v1", With: []string{"example.com/p@v1", "example.com/a b"}},
			wantErr: `--with #2: plugin example.com/a b: invalid module path: malformed module path "example.com/a b": invalid char ' '`},
		{desc: "duplicate --with", input: Flags{App: "example.com/app@v1", With: []string{"example.com/p@v1", "example.com/q", "example.com/p=./p"}},
			wantErr: "--with #3: plugin example.com/p is listed twice (also at --with #1); remove one of the entries"},
		{desc: "--with the app module", input: Flags{App: "example.com/app@v1", With: []string{"example.com/app@v1"}},
			wantErr: "--with #1: plugin example.com/app is the app module itself; name one of its packages with package:"},
		{desc: "bad --replace syntax", input: Flags{App: "example.com/app@v1", Replace: []string{"example.com/a => ./a", "example.com/b"}},
			wantErr: `--replace #2: replace "example.com/b": expected OLD[@VERSION] => NEW[@VERSION]`},
		{desc: "--replace module without version", input: Flags{App: "example.com/app@v1", Replace: []string{"example.com/b => example.com/c"}},
			wantErr: `--replace #1: replace "example.com/b => example.com/c": a module replacement needs a version (NEW@VERSION); for a directory, start the path with ./ or ../`},
		{desc: "--replace with invalid old path", input: Flags{App: "example.com/app@v1", Replace: []string{"a b => ./c"}},
			wantErr: `--replace #1: replace: malformed import path "a b": invalid char ' '`},
		// Values that are checked after parsing name their flag.
		{desc: "invalid --name", input: Flags{App: "example.com/app@v1", Name: "a/b"},
			wantErr: `--name: name "a/b" is not a valid file name; use letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{desc: "invalid cgo mode", input: Flags{App: "example.com/app@v1", Build: Build{Cgo: "yes"}},
			wantErr: `--cgo: build.cgo is "yes"; use auto, on or off`},
		{desc: "--with version that reads as a flag", input: Flags{App: "example.com/app@v1", With: []string{"example.com/p@-toolexec"}},
			wantErr: `--with #1: plugin example.com/p: version "-toolexec" is not a version or query; use a version such as v1.2.3, a query such as latest or >=v1.2.0, or a branch or commit`},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got, err := FromFlags(tt.input, testDir)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("FromFlags succeeded with %+v, want error\n%s", got, tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Fatalf("FromFlags error:\n got: %s\nwant: %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromFlags: unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromFlags mismatch:\n got: %#v\nwant: %#v", got, tt.want)
			}
		})
	}
}

func TestFromFlagsSourceString(t *testing.T) {
	// The flag forms render back as the user would type them.
	s, err := FromFlags(Flags{App: "example.com/app=../app", With: []string{"example.com/p@v1.0.0", "example.com/q"}}, testDir)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{s.App.String(), s.Plugins[0].String(), s.Plugins[1].String()}
	want := []string{"example.com/app=../app", "example.com/p@v1.0.0", "example.com/q@latest"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestPackageFlag(t *testing.T) {
	tests := []struct {
		with, app string
		pkg       string
		ok        bool
	}{
		{"pkg:example.com/lib/plug", "example.com/app", "example.com/lib/plug", true},
		{"github.com/caddyserver/caddy/v2/modules/standard", "github.com/caddyserver/caddy/v2", "github.com/caddyserver/caddy/v2/modules/standard", true},
		{"github.com/caddyserver/caddy/v2", "github.com/caddyserver/caddy/v2", "", false},
		{"github.com/caddyserver/caddy/v2x/p", "github.com/caddyserver/caddy/v2", "", false},
		{"github.com/caddyserver/caddy/v2/modules/standard@v2.11.9", "github.com/caddyserver/caddy/v2", "", false},
		{"example.com/other", "example.com/app", "", false},
	}
	for _, tt := range tests {
		pkg, ok := packageFlag(tt.with, tt.app)
		if pkg != tt.pkg && ok || ok != tt.ok {
			t.Errorf("packageFlag(%q, %q) = %q, %v; want %q, %v", tt.with, tt.app, pkg, ok, tt.pkg, tt.ok)
		}
	}
}
