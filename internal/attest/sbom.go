// Package attest says what an artifact contains and where it came from.
// It makes one software bill of materials per artifact from the values
// the earlier stages made: the composition and the lock (Go modules with
// their h1: hashes, local modules with their content hashes, the Go
// toolchain), and the C side the toolchain stage resolved (each shared
// library the binary loads, with the Debian package that provides it).
// It renders SPDX 2.3 and CycloneDX 1.6 JSON, byte for byte the same from
// the same lock.
package attest

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

// Formats of SBOM documents.
const (
	SPDX      = "spdx"
	CycloneDX = "cyclonedx"
)

// FileSuffix is what an SBOM's file name adds to its artifact's.
func FileSuffix(format string) string {
	if format == CycloneDX {
		return ".cdx.json"
	}
	return ".spdx.json"
}

// Roles of components.
const (
	RoleApp       = "app"
	RolePlugin    = "plugin"
	RoleDefault   = "default-plugin"
	RoleModule    = "module"
	RoleToolchain = "toolchain"
	RoleLibrary   = "library"
	RoleDLL       = "dll"
)

// Component is one thing an artifact contains or loads.
type Component struct {
	// Ref identifies the component within the document.
	Ref  string
	Role string
	Name string
	// Version is the module or package version; "(local)" for a local
	// module.
	Version string
	Purl    string
	// SHA256 is hex: of the file, or of a Go module's h1: dirhash.
	SHA256 string
	// H1 is a Go module's h1: hash as the lock records it.
	H1 string
	// License is an SPDX license expression, or "" when not known.
	License string
	// Comment says more in words, such as the file a library is.
	Comment string
}

// Relationship says how two components (by Ref) relate.
type Relationship struct {
	From, Type, To string
}

// Relationship types, as SPDX names them.
const (
	Contains  = "CONTAINS"
	DependsOn = "DEPENDS_ON"
)

// SBOM is what one artifact contains.
type SBOM struct {
	// Artifact is the artifact itself: its file name and sha256.
	Artifact   Component
	Target     target.Target
	Created    time.Time
	Tool       string
	Components []Component
	Relations  []Relationship
}

// Library is a shared library or DLL that the artifact loads or bundles,
// as the toolchain stage found it.
type Library = toolchain.Library

// Input is what an SBOM is made from.
type Input struct {
	Comp      *compose.Composition
	Lock      *lock.Lock
	GoVersion string
	Target    target.Target
	// ArtifactName and ArtifactSHA256 describe the artifact.
	ArtifactName, ArtifactSHA256 string
	Created                      time.Time
	Tool                         string
	Libraries                    []Library
	// Licenses maps module path@version to an SPDX expression.
	Licenses map[string]string
	// Linked are the modules the program is made of, from its build info:
	// the SBOM lists these, rather than every module the build list
	// names, so that it says what is in the binary.
	Linked []LinkedModule
}

// LinkedModule is a module of a program's build info.
type LinkedModule struct {
	Path, Version string
	// Sum is its h1: hash; empty for a module from a directory.
	Sum string
	// Local says it was built from a directory.
	Local bool
}

// New makes the SBOM of one artifact.
func New(in Input) (*SBOM, error) {
	s := &SBOM{Target: in.Target, Created: in.Created.UTC(), Tool: in.Tool,
		Artifact: Component{Ref: "artifact", Role: "artifact", Name: in.ArtifactName, SHA256: in.ArtifactSHA256}}
	h1 := map[string]string{}
	for _, ms := range in.Lock.ModuleSums() {
		h1[ms.Path+"@"+ms.Version] = ms.Sum
	}
	locals := map[string]string{}
	for _, l := range in.Lock.Locals {
		locals[l.Module] = l.Hash
	}
	seen := map[string]bool{}
	add := func(m compose.Module, role string) (string, error) {
		ref := "module:" + m.Path
		if seen[ref] {
			return ref, nil
		}
		seen[ref] = true
		c := Component{Ref: ref, Role: role, Name: m.Path, Version: m.RecordVersion(), Purl: golangPurl(m.Path, m.Version),
			License: in.Licenses[m.Path+"@"+m.Version]}
		switch {
		case m.Local:
			c.Version, c.H1 = compose.LocalVersion, locals[m.Path]
			c.Purl = golangPurl(m.Path, "")
			c.Comment = "local module; its hash is weld's content hash of the directory"
		default:
			c.H1 = h1[m.Path+"@"+m.Version]
		}
		if c.H1 != "" {
			hexSum, err := h1Hex(c.H1)
			if err != nil {
				return "", fmt.Errorf("module %s: %w", m.Path, err)
			}
			c.SHA256 = hexSum
		}
		s.Components = append(s.Components, c)
		return ref, nil
	}
	c := in.Comp
	app, err := add(c.App, RoleApp)
	if err != nil {
		return nil, err
	}
	s.Relations = append(s.Relations, Relationship{"artifact", Contains, app})
	for _, p := range c.Plugins {
		if p.Module.Path == c.App.Path {
			continue // a package of the app's own module
		}
		ref, err := add(p.Module, RolePlugin)
		if err != nil {
			return nil, err
		}
		s.Relations = append(s.Relations, Relationship{"artifact", Contains, ref}, Relationship{app, DependsOn, ref})
	}
	for _, d := range c.Defaults {
		if d.Module.Path == "" || d.Module.Path == c.App.Path {
			continue
		}
		ref, err := add(d.Module, RoleDefault)
		if err != nil {
			return nil, err
		}
		s.Relations = append(s.Relations, Relationship{"artifact", Contains, ref}, Relationship{app, DependsOn, ref})
	}
	modules := c.BuildList
	if in.Linked != nil {
		modules = nil
		for _, m := range in.Linked {
			modules = append(modules, compose.Module{Path: m.Path, Version: m.Version, Local: m.Local})
			if m.Sum != "" && !m.Local {
				h1[m.Path+"@"+m.Version] = m.Sum
			}
		}
	}
	for _, m := range modules {
		ref, err := add(m, RoleModule)
		if err != nil {
			return nil, err
		}
		s.Relations = append(s.Relations, Relationship{"artifact", Contains, ref})
	}
	gover := strings.TrimPrefix(in.GoVersion, "go")
	s.Components = append(s.Components, Component{Ref: "toolchain:go", Role: RoleToolchain, Name: "go", Version: in.GoVersion,
		Purl: "pkg:golang/std@" + url.PathEscape("go"+gover), License: "BSD-3-Clause", Comment: "the Go toolchain that built the artifact"})
	s.Relations = append(s.Relations, Relationship{"artifact", Contains, "toolchain:go"})
	for _, l := range in.Libraries {
		ref := "library:" + l.File
		role := RoleLibrary
		if l.DLL {
			role = RoleDLL
		}
		comp := Component{Ref: ref, Role: role, Name: l.File, SHA256: l.SHA256, License: l.License}
		if l.SHA256 != "" {
			comp.Comment = "the file's sha256, as weld.lock pins it"
		}
		if l.Package != "" {
			comp.Name, comp.Version = l.Package, l.Version
			comp.Purl = debPurl(l.Package, l.Version, l.Arch)
			comp.Comment = "provides " + l.File
			if l.SHA256 != "" {
				comp.Comment += " (sha256 " + l.SHA256 + ", as weld.lock pins it)"
			}
			if l.DebSHA256 != "" {
				comp.SHA256 = l.DebSHA256
				comp.Comment += "; the checksum is the .deb's, as weld.lock pins it"
			}
			ref = "deb:" + l.Package
			comp.Ref = ref
		}
		if !seen[ref] {
			seen[ref] = true
			s.Components = append(s.Components, comp)
		}
		typ := DependsOn
		if l.DLL {
			typ = Contains
		}
		s.Relations = append(s.Relations, Relationship{"artifact", typ, ref})
	}
	sort.Slice(s.Components, func(i, j int) bool { return s.Components[i].Ref < s.Components[j].Ref })
	sort.Slice(s.Relations, func(i, j int) bool {
		a, b := s.Relations[i], s.Relations[j]
		return a.From+"\x00"+a.Type+"\x00"+a.To < b.From+"\x00"+b.Type+"\x00"+b.To
	})
	s.Relations = dedupeRelations(s.Relations)
	return s, nil
}

func dedupeRelations(rs []Relationship) []Relationship {
	out := rs[:0]
	for i, r := range rs {
		if i == 0 || r != rs[i-1] {
			out = append(out, r)
		}
	}
	return out
}

// h1Hex turns a Go module hash (h1: and base64 of a SHA-256) into hex.
func h1Hex(h1 string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h1, "h1:"))
	if err != nil || len(b) != 32 || !strings.HasPrefix(h1, "h1:") {
		return "", fmt.Errorf("not an h1: hash: %q", h1)
	}
	return hex.EncodeToString(b), nil
}

// golangPurl is pkg:golang/PATH[@VERSION], each path element escaped.
func golangPurl(path, version string) string {
	elems := strings.Split(path, "/")
	for i, e := range elems {
		elems[i] = url.PathEscape(e)
	}
	p := "pkg:golang/" + strings.Join(elems, "/")
	if version != "" {
		p += "@" + url.PathEscape(version)
	}
	return p
}

// debPurl is pkg:deb/debian/NAME@VERSION?arch=ARCH.
func debPurl(name, version, arch string) string {
	p := "pkg:deb/debian/" + url.PathEscape(name)
	if version != "" {
		p += "@" + url.PathEscape(version)
	}
	if arch != "" {
		p += "?arch=" + url.QueryEscape(arch)
	}
	return p
}
