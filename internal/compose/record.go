package compose

import (
	"fmt"
	"strings"
)

// RecordMagic starts the composition record that weld writes into every
// binary it builds. The SDK parses the same format (sdk.ParseComposition);
// the two are kept apart because weld's module must not depend on the SDK
// module, and they are held together by the end-to-end tests.
const RecordMagic = "weld.composition/v1"

// LocalVersion is the version recorded for a module taken from a directory.
const LocalVersion = "(local)"

// Record is what a binary reports about its own composition.
type Record struct {
	Name    string
	App     ModuleVersion
	Main    string // main package, or ""
	Entry   string // entry function, or ""
	Plugins []RecordPlugin
}

// ModuleVersion is a module path and the version that was compiled in.
type ModuleVersion struct {
	Path    string `json:"path"`
	Version string `json:"version"`
}

// RecordPlugin is one composed plugin.
type RecordPlugin struct {
	Module  ModuleVersion `json:"module"`
	Package string        `json:"package"`
}

// Encode renders the record in its line format:
//
//	weld.composition/v1
//	name NAME
//	app MODULE VERSION
//	main PACKAGE | entry IMPORTPATH.FUNC
//	plugin MODULE VERSION PACKAGE
//	end
func (r Record) Encode() string {
	var b strings.Builder
	b.WriteString(RecordMagic + "\n")
	fmt.Fprintf(&b, "name %s\n", r.Name)
	fmt.Fprintf(&b, "app %s %s\n", r.App.Path, r.App.Version)
	if r.Entry != "" {
		fmt.Fprintf(&b, "entry %s\n", r.Entry)
	} else {
		fmt.Fprintf(&b, "main %s\n", r.Main)
	}
	for _, p := range r.Plugins {
		fmt.Fprintf(&b, "plugin %s %s %s\n", p.Module.Path, p.Module.Version, p.Package)
	}
	b.WriteString("end\n")
	return b.String()
}

// DecodeRecord parses a record. It accepts exactly what Encode writes.
func DecodeRecord(s string) (Record, error) {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if lines[0] != RecordMagic {
		return Record{}, fmt.Errorf("not a composition record")
	}
	var r Record
	for i, line := range lines[1:] {
		f := strings.Split(line, " ")
		switch {
		case f[0] == "end" && len(f) == 1:
			if i != len(lines)-2 {
				return Record{}, fmt.Errorf("composition record: text after end")
			}
			if r.App.Path == "" {
				return Record{}, fmt.Errorf("composition record names no app")
			}
			return r, nil
		case f[0] == "name" && len(f) == 2:
			r.Name = f[1]
		case f[0] == "app" && len(f) == 3:
			r.App = ModuleVersion{f[1], f[2]}
		case f[0] == "main" && len(f) == 2:
			r.Main = f[1]
		case f[0] == "entry" && len(f) == 2:
			r.Entry = f[1]
		case f[0] == "plugin" && len(f) == 4:
			r.Plugins = append(r.Plugins, RecordPlugin{ModuleVersion{f[1], f[2]}, f[3]})
		default:
			return Record{}, fmt.Errorf("composition record line %d: malformed %q", i+2, line)
		}
	}
	return Record{}, fmt.Errorf("composition record has no end line")
}
