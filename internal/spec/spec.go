// Package spec turns a weld.yaml manifest, or the equivalent command-line
// flags, into a validated Spec. Every problem is reported with the position
// of the offending text, so that the user can go straight to it.
package spec

import (
	"fmt"
	"strings"
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
	App     App
	Plugins []Plugin
	Build   Build
	Replace []Replace
	Exclude []Exclude
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
}

// Build holds go build settings.
type Build struct {
	Tags    []string
	Ldflags string
	Env     []string // KEY=VALUE, in manifest order
	Cgo     CgoMode
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

func errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
