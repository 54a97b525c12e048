package deb

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"time"
)

// CopyrightFormat is the Format URI of a machine-readable copyright file.
const CopyrightFormat = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"

// Copyright is a machine-readable /usr/share/doc/PACKAGE/copyright file
// (DEP-5, copyright-format 1.0).
type Copyright struct {
	UpstreamName string
	Source       string // where the source comes from; optional
	Comment      string // optional
	// Files are the Files paragraphs; the one for "*" must come first.
	Files []CopyrightFiles
}

// CopyrightFiles is one Files paragraph.
type CopyrightFiles struct {
	Files     []string // patterns, e.g. "*" or "example.com/lib/*"
	Copyright []string // one holder per line; at least one
	// License is the short name or expression ("Expat", "GPL-2+ or
	// Apache-2.0"), and LicenseText the license's full text or where to
	// find it (/usr/share/common-licenses/...).
	License, LicenseText string
	Comment              string // optional
}

// Render writes c as the copyright file. Every value is written as a
// control-file field: continuation lines indented by one space, empty
// lines as " .", tabs expanded (lintian flags tabs in license texts).
func (c Copyright) Render() (string, error) {
	var b strings.Builder
	b.WriteString("Format: " + CopyrightFormat + "\n")
	writeField(&b, "Upstream-Name", c.UpstreamName)
	writeField(&b, "Source", c.Source)
	writeField(&b, "Comment", c.Comment)
	for i, f := range c.Files {
		if len(f.Files) == 0 || len(f.Copyright) == 0 || strings.TrimSpace(f.License) == "" {
			return "", fmt.Errorf("copyright paragraph %d: Files, Copyright and License are required", i+1)
		}
		if strings.ContainsAny(f.License, "\n") {
			return "", fmt.Errorf("copyright paragraph %d: license name %q spans lines", i+1, f.License)
		}
		if (f.Files[0] == "*") != (i == 0) {
			return "", fmt.Errorf("copyright paragraph %d: the Files: * paragraph must be the first", i+1)
		}
		b.WriteString("\n")
		writeField(&b, "Files", strings.Join(f.Files, " "))
		writeField(&b, "Copyright", strings.Join(f.Copyright, "\n"))
		writeField(&b, "License", f.License+"\n"+f.LicenseText)
		writeField(&b, "Comment", f.Comment)
	}
	return b.String(), nil
}

// writeField writes a field whose value may span lines; an empty value
// writes nothing.
func writeField(b *strings.Builder, name, value string) {
	value = strings.ReplaceAll(value, "\r\n", "\n")
	value = strings.ReplaceAll(value, "\r", "\n")
	lines := strings.Split(strings.TrimRight(value, "\n \t"), "\n")
	for len(lines) > 1 && strings.TrimSpace(lines[1]) == "" {
		lines = append(lines[:1], lines[2:]...) // blank lines right after the first
	}
	if strings.TrimSpace(lines[0]) == "" && len(lines) == 1 {
		return
	}
	fmt.Fprintf(b, "%s: %s\n", name, strings.TrimSpace(expandTabs(lines[0])))
	for _, l := range lines[1:] {
		l = strings.TrimRight(expandTabs(l), " ")
		if l == "" {
			l = "."
		} else if strings.TrimSpace(l) == "." {
			l = ".." // a lone "." would read as an empty line
		}
		b.WriteString(" " + l + "\n")
	}
}

// expandTabs replaces tabs by spaces up to the next multiple of 8.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// ChangelogEntry is one entry of a Debian changelog (policy 4.4).
type ChangelogEntry struct {
	Package, Version string
	Changes          []string // one "*" item each, wrapped to 80 columns
	Maintainer       string   // "Name <email>"
	Date             time.Time
}

// Render writes the entry in the form dpkg-parsechangelog reads, for the
// distribution unstable with urgency medium.
func (e ChangelogEntry) Render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s) unstable; urgency=medium\n\n", e.Package, e.Version)
	for _, c := range e.Changes {
		for i, l := range Wrap(c, 80-4) {
			lead := "    "
			if i == 0 {
				lead = "  * "
			}
			b.WriteString(lead + l + "\n")
		}
	}
	fmt.Fprintf(&b, "\n -- %s  %s\n", e.Maintainer, e.Date.UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	return b.String()
}

// ChangelogName is the name of the changelog in /usr/share/doc/PACKAGE
// for a package of the given version: changelog.Debian.gz when the
// version has a Debian revision, changelog.gz for a native package (no
// revision), as dh_installchangelogs names them and lintian expects.
func ChangelogName(version string) string {
	if _, _, rev := splitVersion(version); rev != "" {
		return "changelog.Debian.gz"
	}
	return "changelog.gz"
}

// GzipDoc compresses a documentation file as gzip -9n does: the best
// compression, and no name or timestamp in the header, so the same text
// gives the same bytes.
func GzipDoc(text []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level never fails
	zw.Write(text)
	zw.Close()
	return buf.Bytes()
}

// Wrap breaks text into lines of at most width bytes at spaces; a word
// longer than width gets a line of its own.
func Wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
