package lock

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/spec"
)

// baseManifest has a versioned app, a versioned plugin, a local plugin
// with a package, a package-only plugin, directives and a sysroot.
var baseManifest = []string{
	"app: {module: example.com/app, version: v1.0.0}",
	"plugins:",
	"  - {module: example.com/hello, version: latest}",
	"  - {module: example.com/fees, path: ./plugins/fees, package: example.com/fees/hook}",
	"  - {package: example.com/app/extra}",
	"targets:",
	"  - linux/amd64",
	"  - {target: linux/arm64, sysroot: {debian: [zlib1g-dev, libcairo2-dev]}}",
	"replace: [example.com/lib => ./lib]",
	"exclude: [example.com/lib@v1.3.0]",
}

func parseSpec(t *testing.T, dir string, lines []string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("weld.yaml", dir, []byte(strings.Join(lines, "\n")+"\n"))
	if err != nil {
		t.Fatalf("spec.Parse: %v", err)
	}
	return s
}

// edit returns baseManifest with line i replaced by repl (several lines,
// or none to delete it).
func edit(i int, repl ...string) []string {
	out := append([]string(nil), baseManifest[:i]...)
	out = append(out, repl...)
	return append(out, baseManifest[i+1:]...)
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lockFor builds the lock that the base manifest resolves to, in the
// directory dir, the way lock.New would, and round-trips it through the
// file format.
func lockFor(t *testing.T, dir string) *Lock {
	t.Helper()
	s := parseSpec(t, dir, baseManifest)
	l := &Lock{Go: "go1.26.8"}
	l.App, l.Plugins = Roots(s)
	l.App.Version = "v1.0.0"
	for i := range l.Plugins {
		l.Plugins[i].Version = []string{"v1.1.0", Local, "-"}[i]
	}
	h, err := HashDir(filepath.Join(dir, "plugins", "fees"), "example.com/fees")
	if err != nil {
		t.Fatal(err)
	}
	l.Locals = []LocalModule{{Module: "example.com/fees", Path: "./plugins/fees", Hash: h}}
	l.Replace, l.Exclude = Directives(s)
	l.Sysroots = []Sysroot{{Target: "linux/arm64", Request: []string{"libcairo2-dev", "zlib1g-dev"}, Archive: "http://a", Suite: "bookworm"}}
	back, err := Parse("weld.lock", l.Format())
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func TestRootsAndDirectives(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, dir, baseManifest)
	app, plugins := Roots(s)
	if want := (Root{Module: "example.com/app", Query: "v1.0.0"}); app != want {
		t.Errorf("app root = %+v, want %+v", app, want)
	}
	wantPlugins := []Root{
		{Module: "example.com/hello", Query: "latest"},
		{Module: "example.com/fees", Path: "./plugins/fees", Package: "example.com/fees/hook"},
		{Module: "-", Package: "example.com/app/extra"},
	}
	if !reflect.DeepEqual(plugins, wantPlugins) {
		t.Errorf("plugin roots = %+v\nwant %+v", plugins, wantPlugins)
	}
	replace, exclude := Directives(s)
	if want := []string{"example.com/lib => ./lib"}; !reflect.DeepEqual(replace, want) {
		t.Errorf("replace = %q, want %q", replace, want)
	}
	if want := []string{"example.com/lib@v1.3.0"}; !reflect.DeepEqual(exclude, want) {
		t.Errorf("exclude = %q, want %q", exclude, want)
	}
}

func TestDrift(t *testing.T) {
	const feesChanged = "local module example.com/fees (./plugins/fees) changed"
	tests := []struct {
		description string
		manifest    []string
		files       map[string]string // written into the fees plugin after locking
		skip        bool              // pass the plugin's dist directory as skip
		want        []string
	}{
		{description: "no drift", manifest: baseManifest},
		{description: "sysroot packages reordered", manifest: edit(7, "  - {target: linux/arm64, sysroot: {debian: [libcairo2-dev, zlib1g-dev]}}")},
		{description: "sysroot moved to the top level",
			manifest: edit(7, "  - linux/arm64", "sysroot: {debian: [zlib1g-dev, libcairo2-dev]}")},
		{description: "plugin added", manifest: edit(4, "  - {package: example.com/app/extra}", "  - {module: example.com/new, version: v1.0.0}"),
			want: []string{"plugin example.com/new@v1.0.0 added"}},
		{description: "plugin removed", manifest: edit(2),
			want: []string{"plugin example.com/hello@latest removed"}},
		{description: "package-only plugin removed", manifest: edit(4),
			want: []string{"plugin example.com/app/extra removed"}},
		{description: "query changed", manifest: edit(2, "  - {module: example.com/hello, version: v1.2.0}"),
			want: []string{"plugin example.com/hello@v1.2.0 changed: weld.lock has example.com/hello@latest"}},
		{description: "path changed", manifest: edit(3, "  - {module: example.com/fees, path: ./fees2, package: example.com/fees/hook}"),
			want: []string{"plugin example.com/fees/hook (path ./fees2) changed: weld.lock has example.com/fees/hook (path ./plugins/fees)"}},
		{description: "local plugin became versioned", manifest: edit(3, "  - {module: example.com/fees, version: v1.0.0, package: example.com/fees/hook}"),
			want: []string{"plugin example.com/fees/hook@v1.0.0 changed: weld.lock has example.com/fees/hook (path ./plugins/fees)"}},
		{description: "order changed", manifest: []string{baseManifest[0], baseManifest[1], baseManifest[3], baseManifest[2], baseManifest[4],
			baseManifest[5], baseManifest[6], baseManifest[7], baseManifest[8], baseManifest[9]},
			want: []string{"plugin order changed"}},
		{description: "replace changed", manifest: edit(8, "replace: [example.com/lib => ../lib]"),
			want: []string{"replace directives changed"}},
		{description: "replace removed", manifest: edit(8),
			want: []string{"replace directives changed"}},
		{description: "exclude changed", manifest: edit(9, "exclude: [example.com/lib@v1.3.1]"),
			want: []string{"exclude directives changed"}},
		{description: "sysroot packages changed", manifest: edit(7, "  - {target: linux/arm64, sysroot: {debian: [libcairo2-dev]}}"),
			want: []string{"sysroot packages for linux/arm64 changed"}},
		{description: "sysroot target removed", manifest: edit(7),
			want: []string{"sysroot packages for linux/arm64 changed"}},
		{description: "app version changed", manifest: edit(0, "app: {module: example.com/app, version: v1.1.0}"),
			want: []string{"app changed: weld.lock has example.com/app@v1.0.0, the manifest asks for example.com/app@v1.1.0"}},
		{description: "app package added", manifest: edit(0, "app: {module: example.com/app, version: v1.0.0, package: example.com/app/cmd/x}"),
			want: []string{"app changed: weld.lock has example.com/app@v1.0.0, the manifest asks for example.com/app/cmd/x@v1.0.0"}},
		{description: "local file edited", manifest: baseManifest, files: map[string]string{"hook/hook.go": "package hook // edited\n"},
			want: []string{feesChanged}},
		{description: "local file added", manifest: baseManifest, files: map[string]string{"README": "new\n"},
			want: []string{feesChanged}},
		{description: "build output under a skip directory", manifest: baseManifest, skip: true,
			files: map[string]string{"dist/fees_linux_amd64/fees": "binary"}},
		{description: "build output without skip", manifest: baseManifest,
			files: map[string]string{"dist/fees_linux_amd64/fees": "binary"}, want: []string{feesChanged}},
		{description: "a weld.lock in the module", manifest: baseManifest, files: map[string]string{"weld.lock": "x"}},
		{description: "a nested module", manifest: baseManifest, files: map[string]string{"sub/go.mod": "module example.com/fees/sub\n", "sub/x.go": "package sub\n"}},
		{description: "VCS metadata", manifest: baseManifest, files: map[string]string{".git/HEAD": "ref: refs/heads/main\n"}},
		{description: "several changes at once",
			manifest: []string{"app: {module: example.com/app, version: v1.1.0}", "plugins:", "  - {module: example.com/hello, version: latest}"},
			files:    map[string]string{"hook/hook.go": "package hook // edited\n"},
			want: []string{
				"app changed: weld.lock has example.com/app@v1.0.0, the manifest asks for example.com/app@v1.1.0",
				"plugin example.com/fees/hook (path ./plugins/fees) removed",
				"plugin example.com/app/extra removed",
				"replace directives changed",
				"exclude directives changed",
				"sysroot packages for linux/arm64 changed",
				feesChanged,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			dir := t.TempDir()
			fees := filepath.Join(dir, "plugins", "fees")
			writeFiles(t, fees, map[string]string{"go.mod": "module example.com/fees\n", "hook/hook.go": "package hook\n"})
			l := lockFor(t, dir)
			writeFiles(t, fees, tt.files)
			var skip []string
			if tt.skip {
				skip = []string{filepath.Join(fees, "dist")}
			}
			got := Drift(parseSpec(t, dir, tt.manifest), l, skip...)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Drift:\n got: %q\nwant: %q", got, tt.want)
			}
		})
	}
}

func TestDriftUnreadableLocal(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, filepath.Join(dir, "plugins", "fees"), map[string]string{"go.mod": "module example.com/fees\n"})
	l := lockFor(t, dir)
	if err := os.RemoveAll(filepath.Join(dir, "plugins")); err != nil {
		t.Fatal(err)
	}
	got := Drift(parseSpec(t, dir, baseManifest), l)
	if len(got) != 1 || !strings.HasPrefix(got[0], "local module example.com/fees (./plugins/fees) cannot be read: ") {
		t.Errorf("Drift = %q, want one 'cannot be read' line", got)
	}
}

func TestRelPath(t *testing.T) {
	tests := []struct {
		description string
		base, dir   string
		want        string
	}{
		{"same directory", "/w/proj", "/w/proj", "."},
		{"child", "/w/proj", "/w/proj/plugins/fees", "./plugins/fees"},
		{"sibling", "/w/proj", "/w/lib", "../lib"},
		{"cousin", "/w/proj/app", "/w/lib/x", "../../lib/x"},
		{"name starting with dots is a child", "/w/proj", "/w/proj/..hidden", "./..hidden"},
		// The parent comes out as ./.. rather than ..; it still means the
		// parent, so this only pins the current spelling.
		{"parent", "/w/proj", "/w", ".."},
		{"unclean dir", "/w/proj", "/w/proj/a/../b/", "./b"},
		{"relative base and absolute dir", "proj", "/w/lib", "/w/lib"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got := RelPath(filepath.FromSlash(tt.base), filepath.FromSlash(tt.dir))
			if got != tt.want {
				t.Errorf("RelPath(%q, %q) = %q, want %q", tt.base, tt.dir, got, tt.want)
			}
		})
	}
}
