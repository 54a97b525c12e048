package attest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/sbomschema"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// h1 of 32 zero bytes, and its hex.
const (
	zeroH1  = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	zeroHex = "0000000000000000000000000000000000000000000000000000000000000000"
	oneH1   = "h1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
	oneHex  = "0101010101010101010101010101010101010101010101010101010101010101"
)

func input() Input {
	plugin := compose.Plugin{Module: compose.Module{Path: "github.com/Example/Plug", Version: "v1.2.0"}, Package: "github.com/Example/Plug"}
	local := compose.Plugin{Module: compose.Module{Path: "example.com/local", Dir: "/src/local", Local: true}, Package: "example.com/local"}
	comp := &compose.Composition{
		Spec:     &spec.Spec{Name: "app"},
		App:      compose.Module{Path: "example.com/app", Version: "v1.0.0"},
		Plugins:  []compose.Plugin{plugin, local},
		Defaults: []compose.Plugin{{Module: compose.Module{Path: "example.com/std", Version: "v0.3.0"}, Package: "example.com/std", Default: true}},
		BuildList: []compose.Module{
			{Path: "example.com/app", Version: "v1.0.0"},
			{Path: "github.com/Example/Plug", Version: "v1.2.0"},
			{Path: "example.com/std", Version: "v0.3.0"},
			{Path: "golang.org/x/text", Version: "v0.20.0"},
			{Path: "example.com/local", Dir: "/src/local", Local: true},
		},
	}
	l := &lock.Lock{
		Sums: []string{
			"example.com/app v1.0.0 " + zeroH1,
			"github.com/Example/Plug v1.2.0 " + oneH1,
			"example.com/std v0.3.0 " + zeroH1,
			"golang.org/x/text v0.20.0/go.mod " + zeroH1,
		},
		Locals: []lock.LocalModule{{Module: "example.com/local", Path: "./local", Hash: oneH1}},
	}
	return Input{Comp: comp, Lock: l, GoVersion: "go1.26.8", Target: target.Target{OS: "linux", Arch: "arm64"},
		ArtifactName: "app_1.0.0_arm64.deb", ArtifactSHA256: oneHex, Created: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
		Tool: "weld (devel)", Licenses: map[string]string{"github.com/Example/Plug@v1.2.0": "MIT"},
		Libraries: []Library{
			{File: "libcairo.so.2", SHA256: zeroHex, Package: "libcairo2", Version: "1.16.0-7", Arch: "arm64", DebSHA256: oneHex},
			{File: "libc.so.6", Package: "libc6", Version: "2.36-9+deb12u13", Arch: "arm64", License: "LGPL-2.1-or-later AND LicenseRef-Debian-public-domain"},
			{File: "libgcc_s_seh-1.dll", SHA256: zeroHex, DLL: true},
			// A host library: the file's sha256, dpkg's version.
			{File: "libz.so.1", SHA256: oneHex, Package: "zlib1g", Version: "1:1.2.13.dfsg-1", Arch: "amd64", License: "Zlib"},
			// A DLL of a mingw package.
			{File: "zlib1.dll", SHA256: zeroHex, Package: "libz-mingw-w64", Version: "1.2.13+dfsg-1", Arch: "all", DLL: true,
				License: "LicenseRef-Debian-GPL-2-or-later-with-exception AND Zlib"},
		}}
}

func TestSBOMContent(t *testing.T) {
	s, err := New(input())
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]Component{}
	for _, c := range s.Components {
		byRef[c.Ref] = c
	}
	checks := []struct {
		ref                                  string
		role, version, purl, sha256, licence string
	}{
		{"module:example.com/app", RoleApp, "v1.0.0", "pkg:golang/example.com/app@v1.0.0", zeroHex, ""},
		{"module:github.com/Example/Plug", RolePlugin, "v1.2.0", "pkg:golang/github.com/Example/Plug@v1.2.0", oneHex, "MIT"},
		{"module:example.com/local", RolePlugin, "(local)", "pkg:golang/example.com/local", oneHex, ""},
		{"module:example.com/std", RoleDefault, "v0.3.0", "pkg:golang/example.com/std@v0.3.0", zeroHex, ""},
		// Only its go.mod is in the build: no h1: of its files, no checksum.
		{"module:golang.org/x/text", RoleModule, "v0.20.0", "pkg:golang/golang.org/x/text@v0.20.0", "", ""},
		{"toolchain:go", RoleToolchain, "go1.26.8", "pkg:golang/std@go1.26.8", "", "BSD-3-Clause"},
		// A pinned .deb: its purl, and the .deb's checksum from the lock.
		{"deb:libcairo2", RoleLibrary, "1.16.0-7", "pkg:deb/debian/libcairo2@1.16.0-7?arch=arm64", oneHex, ""},
		{"deb:libc6", RoleLibrary, "2.36-9+deb12u13", "pkg:deb/debian/libc6@2.36-9+deb12u13?arch=arm64", "", "LGPL-2.1-or-later AND LicenseRef-Debian-public-domain"},
		{"library:libgcc_s_seh-1.dll", RoleDLL, "", "", zeroHex, ""},
		{"deb:zlib1g", RoleLibrary, "1:1.2.13.dfsg-1", "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64", oneHex, "Zlib"},
		{"deb:libz-mingw-w64", RoleDLL, "1.2.13+dfsg-1", "pkg:deb/debian/libz-mingw-w64@1.2.13+dfsg-1?arch=all", zeroHex, "LicenseRef-Debian-GPL-2-or-later-with-exception AND Zlib"},
	}
	for _, c := range checks {
		got, ok := byRef[c.ref]
		if !ok {
			t.Errorf("no component %s", c.ref)
			continue
		}
		if got.Role != c.role || got.Version != c.version || got.Purl != c.purl || got.SHA256 != c.sha256 || got.License != c.licence {
			t.Errorf("%s = %+v", c.ref, got)
		}
	}
	rels := map[Relationship]bool{}
	for _, r := range s.Relations {
		rels[r] = true
	}
	for _, r := range []Relationship{
		{"module:example.com/app", DependsOn, "module:github.com/Example/Plug"},
		{"module:example.com/app", DependsOn, "module:example.com/std"},
		{"artifact", Contains, "module:golang.org/x/text"},
		{"artifact", DependsOn, "deb:libcairo2"},
		{"artifact", Contains, "library:libgcc_s_seh-1.dll"},
		{"artifact", Contains, "deb:libz-mingw-w64"},
		{"artifact", DependsOn, "deb:zlib1g"},
	} {
		if !rels[r] {
			t.Errorf("no relationship %v", r)
		}
	}
}

// TestSBOMDocuments: both formats are valid by their published schemas
// and are the same bytes from the same input.
func TestSBOMDocuments(t *testing.T) {
	for _, format := range []string{SPDX, CycloneDX} {
		t.Run(format, func(t *testing.T) {
			render := func() []byte {
				s, err := New(input())
				if err != nil {
					t.Fatal(err)
				}
				data, err := s.Render(format)
				if err != nil {
					t.Fatal(err)
				}
				return data
			}
			a, b := render(), render()
			if !bytes.Equal(a, b) {
				t.Error("two renderings of the same input differ")
			}
			validate := sbomschema.ValidateSPDX
			if format == CycloneDX {
				validate = sbomschema.ValidateCycloneDX
			}
			if err := validate(a); err != nil {
				t.Error(err)
			}
			wants := []string{"pkg:deb/debian/libcairo2@1.16.0-7?arch=arm64", "pkg:golang/github.com/Example/Plug@v1.2.0", "1980-01-01T00:00:00Z",
				"LGPL-2.1-or-later AND LicenseRef-Debian-public-domain"}
			if format == SPDX {
				// Every LicenseRef is declared.
				wants = append(wants, `"licenseId": "LicenseRef-Debian-GPL-2-or-later-with-exception"`, `"licenseId": "LicenseRef-Debian-public-domain"`)
			}
			for _, want := range wants {
				if !bytes.Contains(a, []byte(want)) {
					t.Errorf("%s lacks %q", format, want)
				}
			}
		})
	}
}

func TestH1Hex(t *testing.T) {
	if got, err := h1Hex(oneH1); err != nil || got != oneHex {
		t.Errorf("h1Hex = %q, %v", got, err)
	}
	for _, bad := range []string{"", "h1:", "h1:AAAA", "h2:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="} {
		if _, err := h1Hex(bad); err == nil {
			t.Errorf("h1Hex(%q) accepted", bad)
		}
	}
}

func TestPurls(t *testing.T) {
	tests := []struct{ got, want string }{
		{golangPurl("github.com/Example/Plug", "v1.2.0"), "pkg:golang/github.com/Example/Plug@v1.2.0"},
		{golangPurl("example.com/a b", "v0.0.0-20240101000000-abcdef123456"), "pkg:golang/example.com/a%20b@v0.0.0-20240101000000-abcdef123456"},
		{golangPurl("example.com/local", ""), "pkg:golang/example.com/local"},
		{debPurl("libstdc++6", "12.2.0-14", "armhf"), "pkg:deb/debian/libstdc++6@12.2.0-14?arch=armhf"},
		{debPurl("zlib1g", "1:1.2.13.dfsg-1", ""), "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("purl %q, want %q", tt.got, tt.want)
		}
	}
	if strings.Contains(FileSuffix(CycloneDX), "spdx") || FileSuffix(SPDX) != ".spdx.json" {
		t.Error("file suffixes mixed up")
	}
}
