// Package spec turns a weld.yaml manifest, or the equivalent command-line
// flags, into a validated Spec. Every problem is reported with the position
// of the offending text, so that the user can go straight to it.
package spec

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// Spec is a validated composition request: one application and the plugins
// to compile into it.
type Spec struct {
	// File is the manifest path as the user gave it ("" for flags).
	File string
	// Dir is the absolute directory that relative paths are resolved
	// against: the manifest's directory, or the working directory.
	Dir string

	Name    string
	Version string // the product version, for packages; optional
	// NamePos and VersionPos say where name and version were set.
	NamePos, VersionPos Pos
	App                 App
	Plugins             []Plugin
	Build               Build
	Replace             []Replace
	Exclude             []Exclude
	// Targets are the manifest's targets, in order; `--target all` builds
	// them all. Empty means the host.
	Targets []TargetEntry
	// Sysroot applies to every cross target that does not set its own.
	Sysroot Sysroot
	// Outputs are the packages built beside each binary.
	Outputs Outputs
	// Nix holds settings for weld nix.
	Nix Nix
	// Sign says how the build's files are signed.
	Sign Sign
}

// Nix holds the manifest's settings for the flake export.
type Nix struct {
	// Attrs extends the table that maps C libraries (pkg-config or -l
	// names) to nixpkgs attributes, as NAME=ATTR in manifest order; an
	// empty ATTR means stdenv provides the library.
	Attrs []string
	Pos   Pos
}

// Outputs selects the artifacts packaged from each target's binary.
type Outputs struct {
	// Archive makes a .zip for Windows targets (with the DLLs the binary
	// needs) and a .tar.gz for the others.
	Archive bool
	// Deb, when set, makes a .deb for each Linux target.
	Deb *DebOutput
	// Image describes the OCI image that weld image builds.
	Image *ImageOutput
	// SBOM lists the SBOM formats written beside every artifact (spdx,
	// cyclonedx); nil means the default, spdx, and empty means none.
	SBOM    []string
	SBOMPos Pos
	Pos     Pos
}

// SBOMFormats are the SBOM formats to write: the manifest's, without
// repeats, or the default (spdx) when it sets none.
func (o Outputs) SBOMFormats() []string {
	f, err := CheckSBOM(o.SBOM)
	if err != nil {
		return nil // Validate reports it
	}
	return f
}

// SBOM formats.
const (
	SBOMSPDX      = "spdx"
	SBOMCycloneDX = "cyclonedx"
)

// ImageOutput describes an OCI image of the composition.
type ImageOutput struct {
	Name string   // repository, e.g. registry.example.com/team/imgserver
	Tags []string // default: latest and the manifest's version
	// Base is "scratch" (the default), a registry reference, or a local OCI
	// layout written as oci-layout:DIR (optionally oci-layout:DIR@sha256:...).
	Base string
	// Path is where the binary goes in the image.
	Path       string
	Entrypoint []string
	Cmd        []string
	Env        []string // KEY=VALUE
	Ports      []string // 8080/tcp
	User       string   // default 65532:65532, non-root
	Workdir    string
	Labels     []string // KEY=VALUE, in manifest order
	Files      []ImageFile
	// CACerts and Zoneinfo add the host's CA bundle and time zone data, for
	// static binaries that need them.
	CACerts  bool
	Zoneinfo bool
	Pos      Pos
}

// ImageFile is an extra file or directory copied into the image.
type ImageFile struct {
	Src string // absolute, on the build machine
	Dst string // absolute, in the image
	Pos Pos
}

// DebOutput holds the .deb control fields that the manifest provides,
// and what the package installs beside the binary.
type DebOutput struct {
	Package     string // default: the binary name
	Maintainer  string
	Description string
	Homepage    string
	Section     string
	// Files are extra files the package installs, in manifest order;
	// those under /etc are conffiles.
	Files []DebFile
	// Unit is the systemd service unit (a file on this machine), installed
	// as /usr/lib/systemd/system/PACKAGE.service and enabled; "" for none.
	Unit    string
	UnitPos Pos
	// User and Group are the system user and group the program runs as,
	// created when the package is installed; "" for none.
	User, Group       string
	UserPos, GroupPos Pos
	Pos               Pos
}

// DebFile is a file the .deb installs.
type DebFile struct {
	Src string // on the build machine; absolute after parsing
	Dst string // absolute install path, e.g. /etc/imgserver/config.toml
	Pos Pos
}

// TargetEntry is one entry of targets: the platform and, optionally, how C code
// is compiled for it.
type TargetEntry struct {
	Name string // OS/ARCH[/VARIANT]
	// CC and CXX override the detected C and C++ cross compilers.
	CC, CXX string
	// Sysroot holds the target's C libraries.
	Sysroot Sysroot
	// PkgConfigPath replaces pkg-config's search path for the target.
	PkgConfigPath string
	CgoCflags     string
	CgoLdflags    string
	Pos           Pos
}

// Sysroot says where a target's C libraries come from: a directory the
// user provides, or Debian packages that weld fetches and pins.
type Sysroot struct {
	Dir        string   // absolute
	Debian     []string // -dev packages, e.g. libcairo2-dev
	Archive    string   // Debian archive URL; the machine's apt source by default
	Suite      string
	Components []string
	Pos        Pos
}

// IsZero reports whether nothing was set.
func (s Sysroot) IsZero() bool {
	return s.Dir == "" && len(s.Debian) == 0 && s.Archive == "" && s.Suite == "" && len(s.Components) == 0
}

// TargetNames returns the manifest's target names.
func (s *Spec) TargetNames() []string {
	var names []string
	for _, t := range s.Targets {
		names = append(names, t.Name)
	}
	return names
}

// TargetSettings returns the manifest's entry for a target, with the
// manifest-wide sysroot filled in where the target sets none.
func (s *Spec) TargetSettings(name string) TargetEntry {
	t := TargetEntry{Name: name}
	for _, mt := range s.Targets {
		if mt.Name == name {
			t = mt
		}
	}
	if t.Sysroot.IsZero() {
		t.Sysroot = s.Sysroot
	}
	return t
}

// Pos is a position in the manifest, or the flag a value came from.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Source says where a module comes from: a version that the Go toolchain
// resolves through GOPROXY, or a local directory.
type Source struct {
	Module  string
	Version string // a version or query such as "latest"; "" when local
	Dir     string // absolute directory; "" when versioned
	RelDir  string // Dir as written in the manifest
	Package string // import path to build or import; "" means the module root
	Pos     Pos
}

// Local reports whether the module is taken from a directory.
func (s Source) Local() bool { return s.Dir != "" }

// ImportPath returns the package to compile in, defaulting to the module root.
func (s Source) ImportPath() string {
	if s.Package != "" {
		return s.Package
	}
	return s.Module
}

// String renders the source as the user would write it on the command line.
func (s Source) String() string {
	switch {
	case s.Local():
		return s.Module + "=" + s.RelDir
	case s.Version != "":
		return s.Module + "@" + s.Version
	}
	return s.Module
}

// App is the application module.
type App struct {
	Source
	// Entry is an exported function "importpath.Func" that a generated main
	// calls, for applications that expose their main as a library function.
	Entry string
	// Adapter is an adapter file (absolute) for an app that ships none.
	Adapter    string
	AdapterPos Pos
	// Defaults selects the adapter's default plugins by name: nil keeps
	// them all, an empty list none.
	Defaults    []string
	DefaultsPos Pos
}

// EntryPackage splits Entry into its import path and function name.
func (a App) EntryPackage() (pkg, fn string) {
	i := strings.LastIndexByte(a.Entry, '.')
	if i < 0 {
		return "", a.Entry
	}
	return a.Entry[:i], a.Entry[i+1:]
}

// Plugin is one plugin to compile in. A plugin with no Module names only a
// Package of a module that is already in the build.
type Plugin struct {
	Source
	// Targets limits the plugin to targets matching these patterns, such
	// as linux/* (path.Match syntax); empty means every target.
	Targets []string
	// Kind, for an app whose adapter wires factories, overrides the kind
	// read from the plugin's factory function.
	Kind string
	// Name, for an app whose adapter wires an ordered list, is the
	// plugin's entry in it, placed Before or After another entry (at the
	// end when neither is set).
	Name, Before, After string
}

// ForTarget reports whether the plugin is composed into the target.
func (p Plugin) ForTarget(target string) bool {
	if len(p.Targets) == 0 {
		return true
	}
	for _, pat := range p.Targets {
		if ok, _ := path.Match(pat, target); ok {
			return true
		}
		// linux/arm matches linux/arm/7, as a user would expect.
		if ok, _ := path.Match(pat+"/*", target); ok {
			return true
		}
	}
	return false
}

// Build holds go build settings.
type Build struct {
	Tags    []string
	Ldflags string
	Env     []string // KEY=VALUE, in manifest order
	Cgo     CgoMode
	CgoPos  Pos // where cgo was set
}

// CgoMode says when cgo is enabled.
type CgoMode string

const (
	CgoAuto CgoMode = "auto" // enabled when a composed package needs it
	CgoOn   CgoMode = "on"
	CgoOff  CgoMode = "off"
)

// Replace is a replace directive passed through to the composed go.mod.
type Replace struct {
	OldPath, OldVersion string
	NewPath, NewVersion string // NewVersion == "" means NewPath is a directory
	Pos                 Pos
}

// Exclude is an exclude directive passed through to the composed go.mod.
type Exclude struct {
	Path, Version string
	Pos           Pos
}

// Error is a problem at a position in the manifest or on the command line.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.File == "" {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// errorf formats an error at pos. A long value from the manifest (a key,
// a path, an error that quotes one) is shortened in the middle, so that an
// error stays a readable line however large the input.
func errorf(pos Pos, format string, args ...any) *Error {
	for i, a := range args {
		switch v := a.(type) {
		case string:
			args[i] = elide(v)
		case error:
			args[i] = elide(v.Error())
		}
	}
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// maxArgLen bounds each value quoted in an error message.
const maxArgLen = 400

func elide(s string) string {
	if len(s) <= maxArgLen {
		return s
	}
	// Cut both ends at the start of a character.
	h, t := maxArgLen/2, len(s)-maxArgLen/2
	for h > 0 && !utf8.RuneStart(s[h]) {
		h--
	}
	for t < len(s) && !utf8.RuneStart(s[t]) {
		t++
	}
	head, tail := s[:h], s[t:]
	return fmt.Sprintf("%s...(%d bytes)...%s", head, len(s)-len(head)-len(tail), tail)
}
