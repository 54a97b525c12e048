package deb

import (
	"crypto/md5"
	"fmt"
	"regexp"
	"strings"

	"pault.ag/go/debian/dependency"
)

// ValidName reports whether name is a Debian package name (policy
// 5.6.1: at least two of a-z, 0-9, '.', '+', '-', starting with a letter
// or digit).
func ValidName(name string) bool { return nameRE.MatchString(name) }

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]+$`)

// checkRelation validates one Depends entry ("a (>= 1) | b"): parsed by
// pault.ag/go/debian's dependency parser, one relation of plain package
// names (an architecture qualifier such as ":any" allowed) with valid
// versions, written as dpkg writes it.
func checkRelation(dep string) error {
	bad := func(why string) error {
		return fmt.Errorf("dependency %q: %s; want \"package\" or \"package (op version)\" with op one of << <= = >= >>, alternatives separated by |", dep, why)
	}
	d, err := dependency.Parse(dep)
	if err != nil {
		return bad(err.Error())
	}
	if len(d.Relations) != 1 {
		return bad("one relation per entry")
	}
	for _, p := range d.Relations[0].Possibilities {
		switch {
		case !ValidName(p.Name):
			return bad(fmt.Sprintf("%q is not a package name", p.Name))
		case p.Architectures != nil && len(p.Architectures.Architectures) > 0 || len(p.StageSets) > 0 || p.Substvar:
			return bad("architecture lists, build profiles and substitution variables belong in source packages")
		case p.Version != nil && CheckVersion(p.Version.Number) != nil:
			return bad(CheckVersion(p.Version.Number).Error())
		}
	}
	if d.String() != dep {
		return bad(fmt.Sprintf("not in canonical form (%q)", d.String()))
	}
	return nil
}

// dependsField renders relations as dpkg writes them: alternatives
// separated by " | ", relations by ", ", and no white space at either end
// of a relation (checkRelation allows it around alternatives).
func dependsField(deps []string) string {
	rels := make([]string, len(deps))
	for i, d := range deps {
		alts := strings.Split(d, "|")
		for j, a := range alts {
			alts[j] = strings.Trim(a, " ")
		}
		rels[i] = strings.Join(alts, " | ")
	}
	return strings.Join(rels, ", ")
}

// singleLine rejects values that would break a control file.
func singleLine(field, v string) error {
	if strings.ContainsAny(v, "\n\r") {
		return fmt.Errorf("%s %q: must be a single line", field, v)
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("%s %q: leading or trailing white space", field, v)
	}
	return nil
}

// formatDescription renders Description's value: the first line is the
// synopsis, the rest the extended description, each line indented by one
// space and empty lines written as " .".
func formatDescription(d string) (string, error) {
	d = strings.TrimRight(d, "\n")
	lines := strings.Split(d, "\n")
	if strings.TrimSpace(lines[0]) == "" {
		return "", fmt.Errorf("description %q: the first line (the synopsis) is empty", d)
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(lines[0]))
	for _, l := range lines[1:] {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			l = "."
		}
		b.WriteString("\n " + l)
	}
	return b.String(), nil
}

// control renders the control file with the fields in the order
// dpkg-gencontrol writes them (Dpkg::Control::FieldsCore, CTRL_PKG_DEB).
func control(p Package, installedKiB int64) (string, error) {
	desc, err := formatDescription(p.Description)
	if err != nil {
		return "", err
	}
	section, priority := p.Section, p.Priority
	if section == "" {
		section = "misc"
	}
	if priority == "" {
		priority = "optional"
	}
	var b strings.Builder
	field := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	field("Package", p.Name)
	field("Version", p.Version)
	field("Architecture", p.Architecture)
	field("Maintainer", p.Maintainer)
	field("Installed-Size", fmt.Sprint(installedKiB))
	field("Depends", dependsField(p.Depends))
	field("Section", section)
	field("Priority", priority)
	field("Homepage", p.Homepage)
	field("Description", desc)
	return b.String(), nil
}

// fileSum is what the control archive needs to know of one data file.
type fileSum struct {
	name string // without "./"
	size int64
	md5  [md5.Size]byte
}

// md5sums renders DEBIAN/md5sums: "<hex>  <path>" per regular file but
// the conffiles (dpkg records their sums itself, and dh_md5sums leaves
// them out), sorted by path, paths without a leading "./" or "/".
func md5sums(files []fileSum) string {
	var b strings.Builder
	for _, f := range files {
		if !isConffile(f.name) {
			fmt.Fprintf(&b, "%x  %s\n", f.md5, f.name)
		}
	}
	return b.String()
}

// conffiles renders DEBIAN/conffiles: the absolute path of every file
// under /etc, sorted; "" when there is none.
func conffiles(files []fileSum) string {
	var b strings.Builder
	for _, f := range files {
		if isConffile(f.name) {
			fmt.Fprintf(&b, "/%s\n", f.name)
		}
	}
	return b.String()
}

// installedSize is Installed-Size as dpkg-gencontrol computes it over the
// data tree: each regular file's size rounded up to KiB, plus 1 KiB for
// every directory, the root included.
func installedSize(files []fileSum, dirs int) int64 {
	n := int64(dirs)
	for _, f := range files {
		n += (f.size + 1023) / 1024
	}
	return n
}
