package nix

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/cdeps"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
)

// localComposition is a composition of one local app with the given
// go.mod and go.sum and no plugins, as compose.Resolve would return it.
func localComposition(t *testing.T, goMod, goSum, mainGo string) *compose.Composition {
	app := t.TempDir()
	write(t, filepath.Join(app, "go.mod"), goMod, 0o644)
	write(t, filepath.Join(app, "main.go"), mainGo, 0o644)
	sp := &spec.Spec{Name: "m", App: spec.App{Source: spec.Source{Module: "example.com/m", Dir: app, RelDir: "."}}}
	return &compose.Composition{
		Spec: sp, App: compose.Module{Path: "example.com/m", Dir: app, Local: true},
		MainPackage: "example.com/m", BuildDir: app, InPlace: true,
		Overlay: map[string][]byte{
			filepath.Join(app, "go.mod"):                  []byte(goMod),
			filepath.Join(app, "go.sum"):                  []byte(goSum),
			filepath.Join(app, compose.GeneratedFileName): []byte("package main\n"),
		},
	}
}

func offlineGo() *gobuild.Runner {
	return &gobuild.Runner{Env: append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")}
}

// A composition with nothing to vendor gets vendorHash = null: buildGoModule
// rejects an empty vendor directory.
func TestExportNothingToVendor(t *testing.T) {
	c := localComposition(t, "module example.com/m\n\ngo 1.22\n", "", "package main\n\nfunc main() {}\n")
	out := filepath.Join(t.TempDir(), "flake")
	f, err := Export(context.Background(), Options{Comp: c, Go: offlineGo(), GoVersion: "go1.26.8", Out: out,
		Systems: mustSystems(t, "x86_64-linux")})
	if err != nil {
		t.Fatal(err)
	}
	if f.VendorHash != "" || f.GoAttr != "go_1_26" || f.SubPackage != "." || f.InstallName != "m" {
		t.Errorf("flake %+v", f)
	}
	data, err := os.ReadFile(filepath.Join(out, "flake.nix"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "vendorHash = null;") || !strings.Contains(string(data), `cgo = "0";`) {
		t.Errorf("flake.nix:\n%s", data)
	}
	for _, name := range []string{"main/go.mod", "main/go.sum", "main/main.go", "main/" + compose.GeneratedFileName} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "main", "vendor")); !os.IsNotExist(err) {
		t.Errorf("main/vendor is in the flake: %v", err)
	}
	ParseCheck(t, filepath.Join(out, "flake.nix"))

	// Writing again replaces the flake and keeps a flake.lock.
	write(t, filepath.Join(out, "flake.lock"), "{}\n", 0o644)
	write(t, filepath.Join(out, "stale"), "", 0o644)
	if _, err := Export(context.Background(), Options{Comp: c, Go: offlineGo(), GoVersion: "go1.26.8", Out: out,
		Systems: mustSystems(t, "x86_64-linux")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "flake.lock")); err != nil {
		t.Error("flake.lock was dropped:", err)
	}
	if _, err := os.Stat(filepath.Join(out, "stale")); !os.IsNotExist(err) {
		t.Error("the old flake's files were kept")
	}
}

// A module without a go.sum entry cannot be vendored, by weld or by
// buildGoModule: one error that says so.
func TestExportMissingSum(t *testing.T) {
	c := localComposition(t, "module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/text v0.3.0\n", "",
		"package main\n\nimport _ \"golang.org/x/text/language\"\n\nfunc main() {}\n")
	_, err := Export(context.Background(), Options{Comp: c, Go: offlineGo(), GoVersion: "go1.26.8",
		Out: filepath.Join(t.TempDir(), "flake"), Systems: mustSystems(t, "x86_64-linux")})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"vendoring the composition as buildGoModule does: go mod vendor:",
		"missing go.sum entry for module providing package golang.org/x/text/language",
		"the composed go.sum lacks a module's hash"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q\ndoes not say %q", err, want)
		}
	}
}

func TestExportRefusesForeignDirectory(t *testing.T) {
	c := localComposition(t, "module example.com/m\n\ngo 1.22\n", "", "package main\n\nfunc main() {}\n")
	out := t.TempDir()
	write(t, filepath.Join(out, "notes.txt"), "mine", 0o644)
	_, err := Export(context.Background(), Options{Comp: c, Go: offlineGo(), Out: out, Systems: mustSystems(t, "x86_64-linux")})
	if err == nil || !strings.Contains(err.Error(), "-o "+out+": refusing to replace this directory: it holds files that weld did not write (notes.txt)") {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "notes.txt")); err != nil {
		t.Fatal(err)
	}
}

func TestAttrsMap(t *testing.T) {
	needs := []cdeps.Need{
		{Owner: cdeps.Owner{Kind: "app", Module: "example.com/app"}},
		{Owner: cdeps.Owner{Kind: "plugin", Module: "example.com/draw", Pos: "weld.yaml:7:5"}, Packages: []string{"example.com/draw"},
			PkgConfig: []string{"cairo", "pangocairo"}, Libs: []string{"m", "stdc++"}},
		{Owner: cdeps.Owner{Kind: "plugin", Module: "example.com/x"}, Packages: []string{"example.com/x"},
			PkgConfig: []string{"x11", "cairo"}, Libs: []string{"z"}},
	}
	a, err := ParseAttrs(nil)
	if err != nil {
		t.Fatal(err)
	}
	in, err := a.Map(needs)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"cairo", "pango", "xorg.libX11", "zlib"}; !reflect.DeepEqual(in.BuildInputs, want) || !in.PkgConfig {
		t.Errorf("Map = %+v, want %v and pkg-config", in, want)
	}

	needs[1].PkgConfig = append(needs[1].PkgConfig, "weldtest")
	needs[2].Libs = append(needs[2].Libs, "odd")
	_, err = a.Map(needs)
	for _, want := range []string{
		`weld.yaml:7:5: plugin example.com/draw needs C library "weldtest" (pkg-config), which weld cannot map to a nixpkgs attribute; add weldtest: ATTR under nix: attrs: in the manifest, or pass --nix-attr weldtest=ATTR`,
		`plugin example.com/x needs C library "odd" (linker flag -lodd), which weld cannot map to a nixpkgs attribute; add odd: ATTR under nix: attrs: in the manifest, or pass --nix-attr odd=ATTR`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\ndoes not say %q", err, want)
		}
	}

	a, err = ParseAttrs([]string{"weldtest=weld-test.lib", "odd=", "cairo=cairo_1_18"})
	if err != nil {
		t.Fatal(err)
	}
	in, err = a.Map(needs)
	if want := []string{"cairo_1_18", "pango", "weld-test.lib", "xorg.libX11", "zlib"}; err != nil || !reflect.DeepEqual(in.BuildInputs, want) {
		t.Errorf("Map with --nix-attr = %v, %v; want %v", in.BuildInputs, err, want)
	}
	for _, bad := range []string{"cairo", "=cairo", "cairo=pkgs cairo", "cairo=${x}"} {
		if _, err := ParseAttrs([]string{bad}); err == nil {
			t.Errorf("ParseAttrs(%q) accepted", bad)
		}
	}
}

func TestResolveSystems(t *testing.T) {
	got, skipped, err := ResolveSystems([]string{"linux/arm64", "windows/amd64", "aarch64-linux", "linux/arm/7", "darwin/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Name+"="+s.PackageName())
	}
	if want := []string{"aarch64-linux=linux-arm64", "armv7l-linux=linux-arm-7"}; !reflect.DeepEqual(names, want) {
		t.Errorf("systems %v, want %v", names, want)
	}
	if want := []string{"darwin/arm64", "windows/amd64"}; !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped %v, want %v", skipped, want)
	}
	if host, _, err := ResolveSystems(nil); err != nil || len(host) != 1 {
		t.Errorf("default systems %v, %v", host, err)
	}
	for _, bad := range []string{"x86_64-darwin", "linux/arm", "linux/mips"} {
		if _, _, err := ResolveSystems([]string{bad}); err == nil {
			t.Errorf("ResolveSystems(%q) accepted", bad)
		}
	}
}

func TestNames(t *testing.T) {
	taken := map[string]string{}
	for _, tc := range []struct{ mod, dir, want string }{
		{"example.com/plugins/hello", "/a", "hello"},
		{"example.com/other/hello", "/b", "other_hello"},
		{"example.com/plugins/hello", "/a", "hello"},
		{"example.com/Hello", "/c", "example.com_Hello"},
		{"example.com/foo/v2", "/d", "foo_v2"},
	} {
		got := localName(tc.mod, tc.dir, taken)
		taken[strings.ToLower(got)] = tc.dir
		if got != tc.want {
			t.Errorf("localName(%s, %s) = %s, want %s", tc.mod, tc.dir, got, tc.want)
		}
	}
	for pkg, want := range map[string]string{
		"example.com/app": "app", "example.com/app/cmd/server": "server",
		"example.com/app/v2": "app", "example.com/app/v0": "v0", "weld.local/imgserver": "imgserver",
	} {
		if got := installName(pkg); got != want {
			t.Errorf("installName(%s) = %s, want %s", pkg, got, want)
		}
	}
	for v, want := range map[string]string{"go1.26.8": "go_1_26", "go1.27rc1": "go_1_27", "devel": "go"} {
		if got := goAttr(v); got != want {
			t.Errorf("goAttr(%s) = %s, want %s", v, got, want)
		}
	}
	if got := splitLdflags(" -s  -w "); !reflect.DeepEqual(got, []string{"-s", "-w"}) {
		t.Errorf("splitLdflags = %q", got)
	}
	if got := subPackage("example.com/app/cmd/x", "example.com/app"); got != "cmd/x" {
		t.Errorf("subPackage = %q", got)
	}
}
