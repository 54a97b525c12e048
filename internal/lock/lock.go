// Package lock reads and writes weld.lock, the record of everything a
// composition resolved to: the toolchain, the exact version of the app and
// of every plugin, every module of the build list with its go.sum hashes,
// and a content hash for every module taken from a local directory.
//
// The format is line-oriented text in a fixed order, so that a change to
// the composition is a readable diff:
//
//	weld-lock 2
//	go go1.26.8
//	app example.com/app v1.0.0 query=v1.0.0
//	plugin example.com/hello v1.1.0 query=latest
//	plugin example.com/fees (local) path=./plugins/fees package=example.com/fees/hook
//	local example.com/fees ./plugins/fees h1:...
//	replace example.com/lib => ./lib
//	exclude example.com/lib@v1.3.0
//	module example.com/greeter v1.0.0
//	sum example.com/greeter v1.0.0 h1:...
//	sysroot linux/arm64 archive=... suite=bookworm packages=libcairo2-dev
//	deb linux/arm64 libcairo2 1.16.0-7 arm64 <sha256> pool/...
//	lib linux/amd64 libcairo.so.2 <sha256> libcairo2 1.16.0-7 amd64
package lock

import (
	"bytes"
	"fmt"
	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/modfiles"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FormatVersion is the version of the lock format that Format writes, in
// the header line "weld-lock N".
//
// Every change to what the lock holds, or to how a value in it is computed,
// bumps FormatVersion: Parse keeps reading every earlier version, and
// Upgrade turns a lock read in an earlier version into this one, checking
// again whatever the old version's values cannot vouch for, so that an old
// lock still verifies everything (also under --locked) and the build says
// once, in one line, that it upgraded the file.
//
// Versions:
//
//	1: local module hashes cover the files of the module zip.
//	2: local module hashes cover every file a build can read (HashDir).
//	3: the adapter in force (an adapter line), and what wires each root:
//	   the app's adapter= and defaults=, a plugin's kind=, name=,
//	   before= and after=.
//	4: lib lines: every shared library or DLL in or next to an artifact,
//	   per target, with the file's sha256 and the Debian package and
//	   version that provides it. A format 3 lock has none; the next build
//	   that links records them.
const FormatVersion = 4

// FileName is the lock file's name, beside the manifest.
const FileName = modfiles.LockFile

// Local is the version recorded for a root taken from a directory.
const Local = "(local)"

// Lock is the content of a weld.lock.
type Lock struct {
	// Version is the format version the lock was read in, or the one a
	// new lock is made in; Format always writes FormatVersion.
	Version int
	Go      string
	App     Root
	Plugins []Root
	Locals  []LocalModule
	Replace []string
	Exclude []string
	// Modules is the build list: every module of the build, sorted.
	Modules []Module
	// Sums are the composed go.sum's lines, sorted.
	Sums []string
	// Sysroots pin the Debian packages of each cross target's sysroot.
	Sysroots []Sysroot
	// Adapter is the adapter in force, if any.
	Adapter *AdapterInForce
	// Libraries pin the shared libraries and DLLs each target's
	// artifacts load or bundle (format 4).
	Libraries []Library
}

// Sysroot is the locked sysroot of one target: what the manifest asked
// for and the exact packages it resolved to.
type Sysroot struct {
	Target   string
	Request  []string // the manifest's package names, sorted
	Archive  string
	Suite    string
	Packages []deb.Pin
}

// SysrootFor returns the locked sysroot of a target.
func (l *Lock) SysrootFor(target string) (Sysroot, bool) {
	for _, s := range l.Sysroots {
		if s.Target == target {
			return s, true
		}
	}
	return Sysroot{}, false
}

// Root is the app or a plugin: what the manifest asked for and what it
// resolved to.
type Root struct {
	Module  string // "-" for a plugin that names only a package
	Version string // resolved version, or Local
	Query   string // the manifest's version, for a versioned root
	Path    string // the manifest's path, for a local root
	Package string // the package compiled in, when not the module root
	Entry   string // the app's entry function
	// Adapter is the manifest's adapter file (relative, slash-separated)
	// and Defaults its app.defaults ("" for all, "-" for none, else the
	// names, comma-separated); for the app only.
	Adapter, Defaults string
	// Kind, Name, Before and After wire a plugin, for apps whose adapter
	// wires factories or an ordered list.
	Kind, Name, Before, After string
}

// rootFields are a root's key=value fields, in the order they are written.
func (r *Root) rootFields() []struct {
	key string
	val *string
} {
	return []struct {
		key string
		val *string
	}{{"query", &r.Query}, {"path", &r.Path}, {"package", &r.Package}, {"entry", &r.Entry},
		{"adapter", &r.Adapter}, {"defaults", &r.Defaults},
		{"kind", &r.Kind}, {"name", &r.Name}, {"before", &r.Before}, {"after", &r.After}}
}

// AdapterInForce is the adapter a composition was made with: where it
// came from and its content hash.
type AdapterInForce struct {
	Source, Hash string
}

// Key identifies a plugin entry: the package it compiles in.
func (r Root) Key() string {
	if r.Package != "" {
		return r.Package
	}
	return r.Module
}

// LocalModule is a module taken from a directory, with its content hash.
type LocalModule struct {
	Module string
	Path   string // relative to the manifest, slash-separated
	Hash   string
}

// Module is a module of the build list.
type Module struct {
	Path, Version string
}

// Format renders the lock.
func (l *Lock) Format() []byte {
	var b bytes.Buffer
	b.WriteString("# weld.lock: the exact composition weld builds. Generated by weld; do not edit.\n")
	b.WriteString("# Run weld lock after changing weld.yaml, or weld update to move to newer versions.\n")
	fmt.Fprintf(&b, "weld-lock %d\n", FormatVersion)
	fmt.Fprintf(&b, "go %s\n", l.Go)
	writeRoot(&b, "app", l.App)
	if a := l.Adapter; a != nil {
		fmt.Fprintf(&b, "adapter %s %s\n", escape(a.Source), a.Hash)
	}
	for _, p := range l.Plugins {
		writeRoot(&b, "plugin", p)
	}
	locals := append([]LocalModule(nil), l.Locals...)
	sort.Slice(locals, func(i, j int) bool { return locals[i].Module < locals[j].Module })
	for _, m := range locals {
		fmt.Fprintf(&b, "local %s %s %s\n", m.Module, escape(m.Path), m.Hash)
	}
	for _, r := range l.Replace {
		fmt.Fprintf(&b, "replace %s\n", escapeReplace(r))
	}
	for _, e := range l.Exclude {
		fmt.Fprintf(&b, "exclude %s\n", e)
	}
	mods := append([]Module(nil), l.Modules...)
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	for _, m := range mods {
		fmt.Fprintf(&b, "module %s %s\n", m.Path, m.Version)
	}
	sums := append([]string(nil), l.Sums...)
	sort.Strings(sums)
	for _, s := range sums {
		fmt.Fprintf(&b, "sum %s\n", s)
	}
	sysroots := append([]Sysroot(nil), l.Sysroots...)
	sort.Slice(sysroots, func(i, j int) bool { return sysroots[i].Target < sysroots[j].Target })
	for _, sr := range sysroots {
		fmt.Fprintf(&b, "sysroot %s archive=%s suite=%s packages=%s\n", sr.Target, sr.Archive, sr.Suite, strings.Join(sr.Request, ","))
		debs := append([]deb.Pin(nil), sr.Packages...)
		sort.Slice(debs, func(i, j int) bool { return debs[i].Package < debs[j].Package })
		for _, d := range debs {
			fmt.Fprintf(&b, "deb %s %s %s %s %s %s\n", sr.Target, d.Package, d.Version, d.Architecture, d.SHA256, d.Filename)
		}
	}
	formatLibraries(&b, l.Libraries)
	return b.Bytes()
}

func writeRoot(b *bytes.Buffer, kind string, r Root) {
	fmt.Fprintf(b, "%s %s %s", kind, r.Module, r.Version)
	for _, f := range r.rootFields() {
		if *f.val != "" {
			fmt.Fprintf(b, " %s=%s", f.key, escape(*f.val))
		}
	}
	b.WriteString("\n")
}

// escape keeps a value one field on its line: the lock is split on white
// space, and local directories may have spaces in their names. Every rune
// that strings.Fields splits on (including newlines and Unicode spaces) is
// percent-encoded, and so is %.
func escape(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if r == '%' || unicode.IsSpace(r) {
			for _, c := range []byte(s[:size]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		} else {
			b.WriteString(s[:size]) // as it is, also when not UTF-8
		}
		s = s[size:]
	}
	return b.String()
}

func unescape(s string) (string, error) {
	out, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("malformed escaped field %q", s)
	}
	return out, nil
}

// escapeReplace escapes each side of "old => new".
func escapeReplace(r string) string {
	old, new, ok := strings.Cut(r, " => ")
	if !ok {
		return escape(r)
	}
	return escape(old) + " => " + escape(new)
}

func unescapeReplace(f []string) (string, error) {
	if len(f) != 3 || f[1] != "=>" {
		return "", fmt.Errorf("malformed replace line")
	}
	old, err := unescape(f[0])
	if err != nil {
		return "", err
	}
	new, err := unescape(f[2])
	if err != nil {
		return "", err
	}
	// The lock holds "old => new" as one string: a side that holds the
	// arrow itself could not be split back.
	if strings.Contains(old, " => ") || strings.Contains(new, " => ") {
		return "", fmt.Errorf("malformed replace line")
	}
	return old + " => " + new, nil
}

// ModuleSum is the go.sum hash of one module's content.
type ModuleSum struct {
	Path, Version, Sum string
}

// ModuleSums returns the content hashes among Sums, leaving out the
// go.mod-only lines.
func (l *Lock) ModuleSums() []ModuleSum {
	var out []ModuleSum
	for _, line := range l.Sums {
		f := strings.Fields(line)
		if len(f) != 3 || strings.HasSuffix(f[1], "/go.mod") {
			continue
		}
		out = append(out, ModuleSum{Path: f[0], Version: f[1], Sum: f[2]})
	}
	return out
}
