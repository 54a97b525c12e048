package pack

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/attest"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/inspect"
)

// debModule is a Go module whose code is compiled into the packaged
// binary, as the copyright file and the changelog name it.
type debModule struct {
	Path, Version, Dir string
	Role               string // "the app", "a plugin" or "" for a dependency
}

// label is "path version", or "path (local)" for a local module.
func (m debModule) label() string {
	if m.Version == "" || m.Version == compose.LocalVersion {
		return m.Path + " (local)"
	}
	return m.Path + " " + m.Version
}

// debModules lists the app, the plugins built for the binary and every
// other module of the composition that the binary links, as its build
// information records them.
func debModules(c *compose.Composition, binPath string) ([]debModule, error) {
	if c == nil {
		return nil, fmt.Errorf("no composition to name the modules of the copyright file")
	}
	prog, err := inspect.Read(binPath)
	if err != nil {
		return nil, err
	}
	linked := map[string]bool{}
	for _, m := range prog.Modules {
		linked[m.Path] = true
	}
	out := []debModule{{Path: c.App.Path, Version: c.App.RecordVersion(), Dir: c.App.Dir, Role: "the app"}}
	seen := map[string]bool{c.App.Path: true}
	for _, p := range c.Plugins {
		if linked[p.Module.Path] && !seen[p.Module.Path] {
			seen[p.Module.Path] = true
			out = append(out, debModule{Path: p.Module.Path, Version: p.Module.RecordVersion(), Dir: p.Module.Dir, Role: "a plugin"})
		}
	}
	var deps []debModule
	for _, m := range c.BuildList {
		if linked[m.Path] && !seen[m.Path] {
			seen[m.Path] = true
			deps = append(deps, debModule{Path: m.Path, Version: m.RecordVersion(), Dir: m.Dir})
		}
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Path < deps[j].Path })
	return append(out, deps...), nil
}

// dep5Names maps the SPDX identifiers weld's license classifier reports
// to the short names of the copyright format (section 7.2), where they
// differ ("MIT" is ambiguous there; the MIT license Go modules carry is
// Expat).
var dep5Names = map[string]string{
	"AGPL-3.0": "AGPL-3", "BSD-2-Clause": "BSD-2-clause", "BSD-3-Clause": "BSD-3-clause",
	"GPL-2.0": "GPL-2", "GPL-3.0": "GPL-3", "LGPL-3.0": "LGPL-3", "MIT": "Expat",
}

// commonLicenses are the licenses whose text Debian ships in
// /usr/share/common-licenses; a copyright file points there instead of
// repeating them (lintian: copyright-not-using-common-license-for-*).
var commonLicenses = map[string]string{
	"Apache-2.0": "Apache-2.0", "CC0-1.0": "CC0-1.0", "GPL-2.0": "GPL-2", "GPL-3.0": "GPL-3",
	"LGPL-2.1": "LGPL-2.1", "LGPL-3.0": "LGPL-3", "MPL-2.0": "MPL-2.0",
}

func dep5Name(spdx string) string {
	if n, ok := dep5Names[spdx]; ok {
		return n
	}
	return spdx
}

// holderRE finds copyright notices in a license file: "Copyright (c)",
// "Copyright 2020", "©", but not the license's own use of the word
// ("the above copyright notice") or a template ("Copyright [yyyy]").
var holderRE = regexp.MustCompile(`(?i)^\s*(copyright\s*(\(c\)|©)|copyright\s+\d{4}|©)`)

const maxHolders = 20

// moduleParagraph is the Files paragraph of one module, from the license
// files at its root.
func moduleParagraph(m debModule, files []attest.LicenseFile) deb.CopyrightFiles {
	p := deb.CopyrightFiles{Files: []string{"*"}, Comment: "Go module " + m.label()}
	if m.Role != "" {
		p.Comment += ", " + m.Role
	}
	if m.Role != "the app" {
		p.Files = []string{m.Path + "/*"}
	}
	names := map[string]bool{}
	var texts []string
	seenHolder := map[string]bool{}
	for _, f := range files {
		text := strings.ToValidUTF8(string(f.Text), "\uFFFD")
		for _, l := range strings.Split(text, "\n") {
			l = strings.Join(strings.Fields(l), " ")
			if holderRE.MatchString(l) && !strings.ContainsAny(l, "[]{}") && !seenHolder[l] && len(p.Copyright) < maxHolders {
				seenHolder[l] = true
				p.Copyright = append(p.Copyright, l)
			}
		}
		if len(f.IDs) == 0 {
			names["other"] = true
			texts = append(texts, text)
			continue
		}
		pointers, whole := []string{}, false
		for _, id := range f.IDs {
			names[dep5Name(id)] = true
			if c, ok := commonLicenses[id]; ok {
				pointers = append(pointers, fmt.Sprintf("On Debian systems, the full text of the %s license can be found in /usr/share/common-licenses/%s.", dep5Name(id), c))
			} else {
				whole = true
			}
		}
		if whole {
			texts = append(texts, text)
		} else {
			texts = append(texts, strings.Join(pointers, "\n"))
		}
	}
	if len(files) == 0 {
		names["other"] = true
		texts = append(texts, fmt.Sprintf("The module %s has no license file at its root.", m.label()))
	}
	if len(p.Copyright) == 0 {
		p.Copyright = []string{"the authors of " + m.Path}
	}
	var ns []string
	for n := range names {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	p.License = strings.Join(ns, " and ")
	p.LicenseText = strings.Join(texts, "\n\n")
	return p
}

// copyrightFile renders /usr/share/doc/PACKAGE/copyright for the modules
// in the binary; licenses reads the license files of a module directory.
func copyrightFile(name, source, bin string, mods []debModule, licenses func(dir string) []attest.LicenseFile) ([]byte, error) {
	comment := fmt.Sprintf("weld composed /usr/bin/%s from the Go modules below. Each Files paragraph is one module, "+
		"named by its module path (the app's is *); the licenses come from the license files at the module's root.", bin)
	c := deb.Copyright{UpstreamName: name, Source: source, Comment: strings.Join(deb.Wrap(comment, 78), "\n")}
	for _, m := range mods {
		var files []attest.LicenseFile
		if m.Dir != "" {
			files = licenses(m.Dir)
		}
		c.Files = append(c.Files, moduleParagraph(m, files))
	}
	text, err := c.Render()
	return []byte(text), err
}

// changelogText is the one changelog entry of a weld package: the
// version and what it was composed from.
func changelogText(pkg, version, maintainer string, mods []debModule, w *Writer) []byte {
	change := "Composed by weld from the app " + mods[0].label()
	var plugins []string
	for _, m := range mods[1:] {
		if m.Role == "a plugin" {
			plugins = append(plugins, m.label())
		}
	}
	if len(plugins) > 0 {
		change += " with the plugins " + strings.Join(plugins, ", ")
	}
	e := deb.ChangelogEntry{Package: pkg, Version: version, Maintainer: maintainer, Date: w.MTime,
		Changes: []string{change + "."}}
	return []byte(e.Render())
}

// extendedDescription is the description's body when the manifest gives
// only the synopsis line: policy wants one, and lintian flags its absence
// as an error.
func extendedDescription(bin string, mods []debModule) string {
	var plugins []string
	for _, m := range mods[1:] {
		if m.Role == "a plugin" {
			plugins = append(plugins, m.Path)
		}
	}
	text := fmt.Sprintf("This package installs /usr/bin/%s, the Go program %s", bin, mods[0].Path)
	switch len(plugins) {
	case 0:
		text += ", built by weld."
	case 1:
		text += " composed by weld with the plugin " + plugins[0] + "."
	default:
		text += " composed by weld with the plugins " + strings.Join(plugins, ", ") + "."
	}
	return strings.Join(deb.Wrap(text, 78), "\n")
}
