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

// ExtraMagic starts the second record weld writes into a binary built
// with an adapter or from local modules: what the adapter wired, and the
// content hash of each local module. It is a record of its own because
// SDKs parse the first one strictly, and a binary that pins an older SDK
// must still start.
const ExtraMagic = "weld.composition.extra/v1"

// RecordExtra is what an adapter wired into a binary, and the local
// modules it was built from.
type RecordExtra struct {
	// Adapter is where the adapter came from (as weld.lock records it),
	// its hash and its wiring; empty without an adapter.
	Adapter, Hash, Wiring string
	// Plugins are the manifest's plugins, in record order, with their
	// kind or name; Defaults the adapter's default plugins kept.
	Plugins  []ExtraPlugin
	Defaults []ExtraPlugin
	// Locals are the modules taken from a directory, with the content
	// hash weld.lock records (build info carries no hash for them).
	Locals []LocalHash
}

// LocalHash is a local module's path and its lock content hash.
type LocalHash struct {
	Module string `json:"module"`
	Hash   string `json:"hash"`
}

// ExtraPlugin is one wired plugin.
type ExtraPlugin struct {
	Module     ModuleVersion
	Package    string
	Kind, Name string
}

// Encode renders the extra record:
//
//	weld.composition.extra/v1
//	adapter SOURCE HASH WIRING      (with an adapter)
//	plugin PACKAGE KIND NAME        ("-" for none)
//	default MODULE VERSION PACKAGE KIND NAME
//	local MODULE HASH
//	end
func (r RecordExtra) Encode() string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	var b strings.Builder
	b.WriteString(ExtraMagic + "\n")
	if r.Adapter != "" {
		fmt.Fprintf(&b, "adapter %s %s %s\n", r.Adapter, r.Hash, r.Wiring)
	}
	for _, p := range r.Plugins {
		fmt.Fprintf(&b, "plugin %s %s %s\n", p.Package, dash(p.Kind), dash(p.Name))
	}
	for _, p := range r.Defaults {
		fmt.Fprintf(&b, "default %s %s %s %s %s\n", dash(p.Module.Path), dash(p.Module.Version), dash(p.Package), dash(p.Kind), dash(p.Name))
	}
	for _, l := range r.Locals {
		fmt.Fprintf(&b, "local %s %s\n", l.Module, l.Hash)
	}
	b.WriteString("end\n")
	return b.String()
}

// DecodeRecordExtra parses what Encode writes.
func DecodeRecordExtra(s string) (RecordExtra, error) {
	undash := func(s string) string {
		if s == "-" {
			return ""
		}
		return s
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if lines[0] != ExtraMagic {
		return RecordExtra{}, fmt.Errorf("not an extra composition record")
	}
	var r RecordExtra
	for i, line := range lines[1:] {
		f := strings.Split(line, " ")
		switch {
		case f[0] == "end" && len(f) == 1 && i == len(lines)-2:
			return r, nil
		case f[0] == "adapter" && len(f) == 4:
			r.Adapter, r.Hash, r.Wiring = f[1], f[2], f[3]
		case f[0] == "plugin" && len(f) == 4:
			r.Plugins = append(r.Plugins, ExtraPlugin{Package: f[1], Kind: undash(f[2]), Name: undash(f[3])})
		case f[0] == "default" && len(f) == 6:
			r.Defaults = append(r.Defaults, ExtraPlugin{Module: ModuleVersion{undash(f[1]), undash(f[2])}, Package: undash(f[3]), Kind: undash(f[4]), Name: undash(f[5])})
		case f[0] == "local" && len(f) == 3:
			r.Locals = append(r.Locals, LocalHash{Module: f[1], Hash: f[2]})
		default:
			return RecordExtra{}, fmt.Errorf("extra composition record line %d: malformed %q", i+2, line)
		}
	}
	return RecordExtra{}, fmt.Errorf("extra composition record has no end line")
}
