package nix

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/flake")

func mustSystems(t *testing.T, names ...string) []System {
	t.Helper()
	s, skipped, err := ResolveSystems(names)
	if err != nil || len(skipped) > 0 {
		t.Fatalf("ResolveSystems(%v): %v, skipped %v", names, err, skipped)
	}
	return s
}

// targets makes one SystemBuild per system, all alike.
func targets(t *testing.T, cgo bool, inputs []string, names ...string) []SystemBuild {
	var out []SystemBuild
	for _, s := range mustSystems(t, names...) {
		out = append(out, SystemBuild{System: s, Cgo: cgo, PkgConfig: len(inputs) > 0, BuildInputs: inputs})
	}
	return out
}

// goldenFlakes are flake.nix files of every shape weld writes.
func goldenFlakes(t *testing.T) map[string]*Flake {
	header := []string{"flake.nix for a test, written by weld's golden tests.", "", "The composition: none"}
	filtered := targets(t, true, []string{"cairo"}, "x86_64-linux", "aarch64-linux")
	filtered[0].Tag, filtered[1].Tag = "weld_target_linux_amd64", "weld_target_linux_arm64"
	filtered[1].Cgo, filtered[1].PkgConfig, filtered[1].BuildInputs = false, false, nil
	return map[string]*Flake{
		"pure": {
			Name: "greet", Version: "1.2.0", Description: "greet: pure Go", Header: header,
			Nixpkgs: "github:NixOS/nixpkgs/nixos-unstable", GoAttr: "go_1_26",
			VendorHash: "sha256-brWRptyWY7GDDv0EtnMCnqs4sdapz+SyWvvlxVfLhGs=", ModRoot: "main",
			SubPackage: "cmd/greet", InstallName: "greet", Tags: []string{"netgo", "osusergo"},
			Ldflags: []string{"-s", "-w"}, Env: []EnvVar{{"GOAMD64", "v3"}},
			Targets: targets(t, false, nil, "x86_64-linux"),
		},
		"cgo_cross": {
			Name: "imgserver", Version: "0", Description: "imgserver: cgo, three systems", Header: header,
			Nixpkgs: "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567", GoAttr: "go_1_26",
			VendorHash: "sha256-pQpattmS9VmO3ZIQUFn66az8GSmB4IvYhTTCFn6SUmo=", ModRoot: "main",
			SubPackage: ".", InstallName: "app",
			Targets: targets(t, true, []string{"cairo", "xorg.libX11"}, "x86_64-linux", "linux/arm64", "armv7l-linux"),
		},
		"filtered": {
			Name: "imgserver", Version: "0", Description: "imgserver: cairo on amd64 only", Header: header,
			Nixpkgs: DefaultNixpkgs, GoAttr: "go_1_26", VendorHash: "sha256-pQpattmS9VmO3ZIQUFn66az8GSmB4IvYhTTCFn6SUmo=",
			ModRoot: "main", SubPackage: ".", InstallName: "imgserver", Tags: []string{"netgo"}, Targets: filtered,
		},
		"no_deps": {
			Name: "tool", Version: "0", Description: "tool: nothing to vendor", Header: header,
			Nixpkgs: "path:/srv/nixpkgs", GoAttr: "go_1_25", ModRoot: "main", SubPackage: ".",
			InstallName: "tool", Targets: targets(t, false, nil, "aarch64-linux"),
		},
		"quoting": {
			Name: "q", Version: `1"${x}`, Description: `say "hi" to ${USER} \ back`, Header: header,
			Nixpkgs: DefaultNixpkgs, GoAttr: "go_1_26", VendorHash: "sha256-d6xi4mKdjkX2JFicDIv5niSzpyI0m/Hnm8GGAIU04kY=",
			ModRoot: "main", SubPackage: ".", InstallName: "q", Tags: []string{"a"},
			Ldflags: splitLdflags(`-X 'main.who=${USER} "x"'`),
			Env:     []EnvVar{{"GO.ODD", "$HOME"}}, Targets: targets(t, false, nil, "x86_64-linux"),
		},
	}
}

// TestFlakeGolden renders each flake, compares it with its golden file
// (go test -update rewrites them) and parses it with nix-instantiate.
func TestFlakeGolden(t *testing.T) {
	for name, f := range goldenFlakes(t) {
		t.Run(name, func(t *testing.T) {
			got, err := f.Render()
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "flake", name+".nix")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("flake.nix differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
			ParseCheck(t, golden)
		})
	}
}

// StubArgs evaluates a flake.nix with the stub nixpkgs, without the flake
// machinery or a store, and returns the arguments each package passed to
// buildGoModule, as packages.SYSTEM.NAME.
func StubArgs(t *testing.T, flakeFile string) map[string]map[string]map[string]any {
	t.Helper()
	RequireNix(t, "nix-instantiate")
	stub, err := filepath.Abs(filepath.Join("testdata", "stub-nixpkgs", "flake.nix"))
	if err != nil {
		t.Fatal(err)
	}
	flakeFile, err = filepath.Abs(flakeFile)
	if err != nil {
		t.Fatal(err)
	}
	expr := `let
	  stub = (import ` + stub + `).outputs { self = stub; };
	  flake = import ` + flakeFile + `;
	  out = flake.outputs { self = out; nixpkgs = stub; };
	in builtins.mapAttrs (_: builtins.mapAttrs (_: p: p.weld)) out.packages`
	data := RunNix(t, NixEnv(t), "", "nix-instantiate", "--store", "dummy://", "--eval", "--strict", "--json", "-E", expr)
	var out map[string]map[string]map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return out
}

// TestFlakeEvaluates evaluates the golden flakes against the stub
// nixpkgs and checks what reaches buildGoModule: native and cross
// package sets, C inputs from the right platform, strings intact.
func TestFlakeEvaluates(t *testing.T) {
	pkgs := StubArgs(t, filepath.Join("testdata", "flake", "cgo_cross.nix"))
	if got, want := keys(pkgs), []string{"aarch64-linux", "armv7l-linux", "x86_64-linux"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("systems %v, want %v", got, want)
	}
	for sys, set := range pkgs {
		if got, want := keys(set), []string{"default", "linux-amd64", "linux-arm-7", "linux-arm64"}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: packages %v, want %v", sys, got, want)
		}
		for name, args := range set {
			host := sys
			for _, s := range systems {
				if s.PackageName() == name {
					host = s.Name
				}
			}
			want := map[string]any{
				"build": sys, "host": host, "go": "go_1_26",
				"buildInputs":       []any{"cairo@" + host, "libX11@" + host},
				"nativeBuildInputs": []any{"pkg-config@" + sys},
				"env":               map[string]any{"CGO_ENABLED": "1"},
				"postInstall":       "mv $out/bin/app $out/bin/imgserver\n",
				"vendorHash":        "sha256-pQpattmS9VmO3ZIQUFn66az8GSmB4IvYhTTCFn6SUmo=",
			}
			for k, v := range want {
				if !reflect.DeepEqual(args[k], v) {
					t.Errorf("packages.%s.%s: %s = %v, want %v", sys, name, k, args[k], v)
				}
			}
		}
	}

	q := StubArgs(t, filepath.Join("testdata", "flake", "quoting.nix"))["x86_64-linux"]["default"]
	if got := q["version"]; got != `1"${x}` {
		t.Errorf("version %q", got)
	}
	if got := q["ldflags"]; !reflect.DeepEqual(got, []any{`-X 'main.who=${USER} "x"'`}) {
		t.Errorf("ldflags %q", got)
	}
	if got := q["env"]; !reflect.DeepEqual(got, map[string]any{"CGO_ENABLED": "0", "GO.ODD": "$HOME"}) {
		t.Errorf("env %q", got)
	}

	n := StubArgs(t, filepath.Join("testdata", "flake", "no_deps.nix"))["aarch64-linux"]["default"]
	if n["vendorHash"] != nil {
		t.Errorf("vendorHash %v, want null", n["vendorHash"])
	}

	// Targets that differ get their own build tag, cgo and C libraries.
	fl := StubArgs(t, filepath.Join("testdata", "flake", "filtered.nix"))
	for _, tc := range []struct{ sys, pkg, want string }{
		{"x86_64-linux", "default", "[netgo weld_target_linux_amd64] map[CGO_ENABLED:1] [cairo@x86_64-linux] [pkg-config@x86_64-linux]"},
		{"x86_64-linux", "linux-arm64", "[netgo weld_target_linux_arm64] map[CGO_ENABLED:0] [] []"},
		{"aarch64-linux", "linux-amd64", "[netgo weld_target_linux_amd64] map[CGO_ENABLED:1] [cairo@x86_64-linux] [pkg-config@aarch64-linux]"},
	} {
		a := fl[tc.sys][tc.pkg]
		if got := fmt.Sprintf("%v %v %v %v", a["tags"], a["env"], a["buildInputs"], a["nativeBuildInputs"]); got != tc.want {
			t.Errorf("packages.%s.%s: %s, want %s", tc.sys, tc.pkg, got, tc.want)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
