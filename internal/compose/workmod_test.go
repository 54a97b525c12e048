package compose

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

func mv(path, version string) module.Version { return module.Version{Path: path, Version: version} }

func TestFmtVersion(t *testing.T) {
	tests := []struct {
		in   module.Version
		want string
	}{
		{mv("example.com/a", ""), "example.com/a"},
		{mv("example.com/a", "v1.2.3"), "example.com/a@v1.2.3"},
		{mv("/abs/dir", ""), "/abs/dir"},
	}
	for _, tt := range tests {
		if got := fmtVersion(tt.in); got != tt.want {
			t.Errorf("fmtVersion(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWorkModuleFormat(t *testing.T) {
	tests := []struct {
		desc      string
		build     func(w *workModule)
		want      string
		wantWarns []string
	}{
		{
			desc:  "module line only",
			build: func(w *workModule) {},
			want:  "module weld.local/work\n",
		},
		{
			desc: "sorted requires and the highest go version",
			build: func(w *workModule) {
				w.raiseGo("1.21")
				w.require("example.com/zz", "v1.0.0")
				w.require("example.com/aa", "v0.3.0")
				w.raiseGo("1.23.4")
				w.require("example.com/mm", "v2.0.0+incompatible")
				w.raiseGo("1.22")
				w.raiseGo("")
				w.require("example.com/aa", "v0.4.0") // the last require of a path wins
			},
			want: "module weld.local/work\n\ngo 1.23.4\n\nrequire (\n" +
				"\texample.com/aa v0.4.0\n" +
				"\texample.com/mm v2.0.0+incompatible\n" +
				"\texample.com/zz v1.0.0\n" +
				")\n",
		},
		{
			desc: "first replacement for an old path wins",
			build: func(w *workModule) {
				w.require("example.com/a", zeroVersion)
				w.replace(replacement{Old: mv("example.com/a", ""), New: mv("/src/a", ""), From: "the manifest"})
				// Same replacement again: silently kept once.
				w.replace(replacement{Old: mv("example.com/a", ""), New: mv("/src/a", ""), From: "app example.com/app"})
				// Differing replacement: warned about and ignored.
				w.replace(replacement{Old: mv("example.com/a", ""), New: mv("example.com/fork", "v1.1.0"), From: "plugin example.com/p"})
				// A versioned old path is a different replacement.
				w.replace(replacement{Old: mv("example.com/a", "v1.0.0"), New: mv("example.com/fork", "v1.0.1"), From: "plugin example.com/p"})
				w.replace(replacement{Old: mv("example.com/b", "v0.1.0"), New: mv("example.com/b", "v0.1.1"), From: "app example.com/app"})
				w.replace(replacement{Old: mv("example.com/b", "v0.1.0"), New: mv("/src/b", ""), From: "plugin example.com/q"})
			},
			want: "module weld.local/work\n\n" +
				"require example.com/a v0.0.0-00010101000000-000000000000\n\n" +
				"replace (\n" +
				"\texample.com/a => /src/a\n" +
				"\texample.com/a v1.0.0 => example.com/fork v1.0.1\n" +
				")\n\n" +
				"replace example.com/b v0.1.0 => example.com/b v0.1.1\n",
			wantWarns: []string{
				"plugin example.com/p replaces example.com/a with example.com/fork@v1.1.0, but the manifest already replaces it with /src/a; keeping the manifest's",
				"plugin example.com/q replaces example.com/b@v0.1.0 with /src/b, but app example.com/app already replaces it with example.com/b@v0.1.1; keeping app example.com/app's",
			},
		},
		{
			// modfile groups directives by module path.
			desc: "excludes deduplicated, in order",
			build: func(w *workModule) {
				w.require("example.com/a", "v1.2.0")
				w.exclude(mv("example.com/a", "v1.1.0"))
				w.exclude(mv("example.com/a", "v1.0.0"))
				w.exclude(mv("example.com/a", "v1.1.0"))
				w.exclude(mv("example.com/c", "v0.9.0"))
			},
			want: "module weld.local/work\n\n" +
				"require example.com/a v1.2.0\n\n" +
				"exclude (\n" +
				"\texample.com/a v1.1.0\n" +
				"\texample.com/a v1.0.0\n" +
				")\n\n" +
				"exclude example.com/c v0.9.0\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			var warns []string
			w := newWorkModule("weld.local/work", func(s string) { warns = append(warns, s) }, true)
			tt.build(w)
			out, err := w.format()
			if err != nil {
				t.Fatalf("format: %v", err)
			}
			if string(out) != tt.want {
				t.Errorf("format() =\n%s\nwant\n%s", out, tt.want)
			}
			if !slices.Equal(warns, tt.wantWarns) {
				t.Errorf("warnings:\n got: %q\nwant: %q", warns, tt.wantWarns)
			}
			checkGoMod(t, out, w)
		})
	}
}

// checkGoMod parses a formatted go.mod strictly and checks it against w.
func checkGoMod(t *testing.T, data []byte, w *workModule) {
	t.Helper()
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatalf("format() output does not parse: %v\n%s", err, data)
	}
	if f.Module == nil || f.Module.Mod.Path != w.path {
		t.Errorf("module = %v, want %s", f.Module, w.path)
	}
	if (f.Go == nil && w.goVersion != "") || (f.Go != nil && f.Go.Version != w.goVersion) {
		t.Errorf("go directive = %v, want %q", f.Go, w.goVersion)
	}
	var paths []string
	for _, r := range f.Require {
		paths = append(paths, r.Mod.Path)
		if r.Mod.Version != w.requires[r.Mod.Path] {
			t.Errorf("require %s %s, want %s", r.Mod.Path, r.Mod.Version, w.requires[r.Mod.Path])
		}
		if r.Indirect {
			t.Errorf("require %s marked indirect", r.Mod.Path)
		}
	}
	if !slices.IsSorted(paths) || len(paths) != len(w.requires) {
		t.Errorf("requires %q are not the %d sorted required paths", paths, len(w.requires))
	}
	var reps []replacement
	for _, r := range f.Replace {
		reps = append(reps, replacement{Old: r.Old, New: r.New})
	}
	var wantReps []replacement
	for _, r := range w.replaces {
		wantReps = append(wantReps, replacement{Old: r.Old, New: r.New})
	}
	if !reflect.DeepEqual(reps, wantReps) {
		t.Errorf("replaces = %v, want %v", reps, wantReps)
	}
	var excl []module.Version
	for _, e := range f.Exclude {
		excl = append(excl, e.Mod)
	}
	if !reflect.DeepEqual(excl, w.excludes) {
		t.Errorf("excludes = %v, want %v", excl, w.excludes)
	}
}

func TestWorkModuleFormatError(t *testing.T) {
	w := newWorkModule("weld.local/work", func(string) {}, false)
	w.exclude(mv("example.com/c", "v1"))
	_, err := w.format()
	want := `exclude example.com/c@v1: version "v1" invalid: must be of the form v1.2.3`
	if err == nil || err.Error() != want {
		t.Errorf("format() error = %v, want %s", err, want)
	}
}

func TestAddModFileDirectives(t *testing.T) {
	const gomod = `module example.com/app

replace (
	example.com/a => ../a
	example.com/b v1.0.0 => example.com/b v1.0.1
	example.com/c => /abs/c
)

exclude example.com/d v0.1.0
`
	f, err := modfile.Parse("go.mod", []byte(gomod), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, dir string
		wantReps  []string
		wantWarns []string
	}{
		{
			desc:     "local module: directories resolved against it",
			dir:      "/src/app",
			wantReps: []string{"example.com/a => /src/a", "example.com/b@v1.0.0 => example.com/b@v1.0.1", "example.com/c => /abs/c"},
		},
		{
			desc:     "module from the cache: directory replacements dropped",
			dir:      "",
			wantReps: []string{"example.com/b@v1.0.0 => example.com/b@v1.0.1"},
			// One line for the module, however many it drops (with -v).
			wantWarns: []string{
				"app example.com/app: ignoring 2 directory replacements of its published go.mod, which cannot be followed: example.com/a => ../a, example.com/c => /abs/c",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			var warns []string
			w := newWorkModule("weld.local/work", func(s string) { warns = append(warns, s) }, true)
			w.addModFileDirectives(f, tt.dir, "app example.com/app")
			var reps []string
			for _, r := range w.replaces {
				if r.From != "app example.com/app" {
					t.Errorf("replacement %v from %q", r, r.From)
				}
				reps = append(reps, fmtVersion(r.Old)+" => "+fmtVersion(r.New))
			}
			if !slices.Equal(reps, tt.wantReps) {
				t.Errorf("replaces:\n got: %q\nwant: %q", reps, tt.wantReps)
			}
			if !slices.Equal(warns, tt.wantWarns) {
				t.Errorf("warnings:\n got: %q\nwant: %q", warns, tt.wantWarns)
			}
			if want := []module.Version{mv("example.com/d", "v0.1.0")}; !reflect.DeepEqual(w.excludes, want) {
				t.Errorf("excludes = %v, want %v", w.excludes, want)
			}
			out, err := w.format()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), "../a") {
				t.Errorf("relative directory left in go.mod:\n%s", out)
			}
		})
	}
}
