package nix

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

// DefaultNixpkgs is the nixpkgs the flake follows unless --nixpkgs says
// otherwise. The first nix build pins its revision in flake.lock. It is
// the unstable channel because a composition needs the Go minor version
// that weld resolved with (go_1_26, say), and stable releases carry only
// the Go versions that were current when they branched.
const DefaultNixpkgs = "github:NixOS/nixpkgs/nixos-unstable"

// Flake is everything flake.nix says.
type Flake struct {
	Name        string
	Version     string
	Description string
	// Header is the comment at the top, one entry per line.
	Header  []string
	Nixpkgs string
	// GoAttr is the nixpkgs Go compiler, e.g. go_1_26.
	GoAttr string
	// VendorHash is the SRI hash of the vendor directory; "" means the
	// composition has no dependencies to vendor (vendorHash = null).
	VendorHash string
	// ModRoot is the main module's directory in the flake.
	ModRoot string
	// SubPackage is the main package, relative to ModRoot ("." for its
	// root).
	SubPackage string
	// InstallName is the binary go install writes: the main package's
	// last import path element, renamed to Name after installing.
	InstallName string
	Tags        []string
	Ldflags     []string
	// Env is set in the derivations' environment besides CGO_ENABLED,
	// sorted by key.
	Env []EnvVar
	// Targets are the systems the flake builds for, and how they differ.
	Targets []SystemBuild
}

// SystemBuild is one system of the flake and what is particular to it.
type SystemBuild struct {
	System
	Cgo bool
	// Tag selects the target's generated file, when plugins limited to
	// some targets make the files differ; "" when there is one file.
	Tag string
	// PkgConfig is true when a package asks pkg-config; BuildInputs are
	// nixpkgs attribute paths, sorted.
	PkgConfig   bool
	BuildInputs []string
}

// EnvVar is one variable of buildGoModule's env.
type EnvVar struct{ Key, Value string }

var nixIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_'-]*$`)

// nixString quotes s as a Nix string literal.
func nixString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// nixAttrName writes an attribute name, quoted when it is not an
// identifier.
func nixAttrName(s string) string {
	if nixIdent.MatchString(s) {
		return s
	}
	return nixString(s)
}

func nixList(items []string, quote bool) string {
	if len(items) == 0 {
		return "[ ]"
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it
		if quote {
			parts[i] = nixString(it)
		}
	}
	return "[ " + strings.Join(parts, " ") + " ]"
}

var flakeTemplate = template.Must(template.New("flake.nix").Funcs(template.FuncMap{
	"str":   nixString,
	"attr":  nixAttrName,
	"strs":  func(s []string) string { return nixList(s, true) },
	"pkgs":  pkgsList,
	"other": otherTargets,
	"list":  func(s ...string) []string { return s },
}).Parse(`{{range .Header}}#{{if .}} {{.}}{{end}}
{{end -}}
{
  description = {{str .Description}};

  inputs.nixpkgs.url = {{str .Nixpkgs}};

  outputs = { self, nixpkgs }:
    let
      # What differs between targets: cgo, the C libraries, and a build tag
      # that picks the target's generated file when plugins are limited to
      # some targets.
      targets = {
{{- range .Targets}}
        {{.PackageName}} = {
          cgo = {{if .Cgo}}"1"{{else}}"0"{{end}};
          tags = {{if .Tag}}{{strs (list .Tag)}}{{else}}[ ]{{end}};
          nativeBuildInputs = pkgs: {{if .PkgConfig}}[ pkgs.buildPackages.pkg-config ]{{else}}[ ]{{end}};
          buildInputs = pkgs: {{pkgs .BuildInputs}};
        };
{{- end}}
      };

      # The composition for a target, built with a nixpkgs package set: the
      # target system's own, or a pkgsCross set that cross-compiles for it.
      build = target: pkgs:
        (pkgs.buildGoModule.override { go = pkgs.buildPackages.{{.GoAttr}}; }) {
          pname = {{str .Name}};
          version = {{str .Version}};
          src = ./.;
          modRoot = {{str .ModRoot}};
{{- if .VendorHash}}
          # The NAR hash of the vendor directory that go mod vendor writes
          # for {{.ModRoot}}/, computed by weld: no fake-hash round trip.
          vendorHash = {{str .VendorHash}};
{{- else}}
          # Nothing to vendor: the composition has no dependencies.
          vendorHash = null;
{{- end}}
          proxyVendor = false;
          subPackages = {{strs (list .SubPackage)}};
          tags = {{strs .Tags}} ++ target.tags;
          ldflags = {{strs .Ldflags}};
          env = {
            CGO_ENABLED = target.cgo;
{{- range .Env}}
            {{attr .Key}} = {{str .Value}};
{{- end}}
          };
          nativeBuildInputs = target.nativeBuildInputs pkgs;
          buildInputs = target.buildInputs pkgs;
          # The app's and plugins' tests run in their own modules.
          doCheck = false;
{{- if ne .InstallName .Name}}
          postInstall = ''
            mv $out/bin/{{.InstallName}} $out/bin/{{.Name}}
          '';
{{- end}}
          meta.mainProgram = {{str .Name}};
        };
    in
    {
      packages = {
{{- range $t := .Targets}}
        {{$t.Name}} =
          let
            pkgs = nixpkgs.legacyPackages.{{$t.Name}};
            native = build targets.{{$t.PackageName}} pkgs;
          in
          {
            default = native;
            {{$t.PackageName}} = native;
{{- range other $.Targets $t}}
            {{.PackageName}} = build targets.{{.PackageName}} pkgs.pkgsCross.{{.Cross}};
{{- end}}
          };
{{- end}}
      };

      apps = {
{{- range .Targets}}
        {{.Name}}.default = {
          type = "app";
          program = "${self.packages.{{.Name}}.default}/bin/{{$.Name}}";
        };
{{- end}}
      };
    };
}
`))

// pkgsList writes attribute paths as a list of pkgs.ATTR.
func pkgsList(attrs []string) string {
	p := make([]string, len(attrs))
	for i, a := range attrs {
		p[i] = "pkgs." + a
	}
	return nixList(p, false)
}

// otherTargets returns every target but t.
func otherTargets(all []SystemBuild, t SystemBuild) []SystemBuild {
	var out []SystemBuild
	for _, o := range all {
		if o.Name != t.Name {
			out = append(out, o)
		}
	}
	return out
}

// Render writes flake.nix.
func (f *Flake) Render() ([]byte, error) {
	if !nixIdent.MatchString(f.GoAttr) {
		return nil, fmt.Errorf("%q is not a nixpkgs attribute name", f.GoAttr)
	}
	for _, name := range []string{f.Name, f.InstallName} {
		if !safeFileName.MatchString(name) {
			return nil, fmt.Errorf("binary name %q has characters a shell command would need quoted; name it with letters, digits, '.', '_' and '-'", name)
		}
	}
	if !sort.SliceIsSorted(f.Env, func(i, j int) bool { return f.Env[i].Key < f.Env[j].Key }) {
		return nil, fmt.Errorf("flake env is not sorted")
	}
	var b bytes.Buffer
	if err := flakeTemplate.Execute(&b, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var safeFileName = regexp.MustCompile(`^[A-Za-z0-9._][A-Za-z0-9._-]*$`)
