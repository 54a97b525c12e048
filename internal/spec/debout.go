package spec

import (
	"os"
	"path"
	"strings"
	"unicode"

	yaml "go.yaml.in/yaml/v4"

	"github.com/weldgo/weld/internal/artifact/deb"
)

// deb decodes outputs.deb:
//
//	deb:
//	  maintainer: ...
//	  description: ...
//	  files: {config/app.toml: /etc/app/app.toml}
//	  systemd: {unit: app.service}
//	  user: app
func (r nodeReader) deb(n *yaml.Node) (*DebOutput, error) {
	d := &DebOutput{Pos: r.pos(resolve(n))}
	err := r.fields(n, "outputs.deb", map[string]func(*yaml.Node) error{
		"package":     r.str(&d.Package, "outputs.deb.package"),
		"maintainer":  r.str(&d.Maintainer, "outputs.deb.maintainer"),
		"description": r.str(&d.Description, "outputs.deb.description"),
		"homepage":    r.str(&d.Homepage, "outputs.deb.homepage"),
		"section":     r.str(&d.Section, "outputs.deb.section"),
		"user":        r.strAt(&d.User, &d.UserPos, "outputs.deb.user"),
		"group":       r.strAt(&d.Group, &d.GroupPos, "outputs.deb.group"),
		"files":       r.debFiles(&d.Files),
		"systemd": func(n *yaml.Node) error {
			return r.fields(n, "outputs.deb.systemd", map[string]func(*yaml.Node) error{
				"unit": r.strAt(&d.Unit, &d.UnitPos, "outputs.deb.systemd.unit"),
			})
		},
	})
	return d, err
}

// debFiles decodes outputs.deb.files, a mapping of source (relative to
// the manifest) to install path, keeping manifest order.
func (r nodeReader) debFiles(dst *[]DebFile) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		n = resolve(n)
		if n.Kind != yaml.MappingNode {
			return errorf(r.pos(n), "outputs.deb.files must be a mapping of SOURCE: /INSTALL/PATH, not %s", kindName(n))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			f := DebFile{Pos: r.pos(resolve(n.Content[i]))}
			if err := r.str(&f.Src, "outputs.deb.files sources")(n.Content[i]); err != nil {
				return err
			}
			if err := r.str(&f.Dst, "outputs.deb.files."+f.Src)(n.Content[i+1]); err != nil {
				return err
			}
			*dst = append(*dst, f)
		}
		return nil
	}
}

// DebPackageName is the .deb's package name: outputs.deb.package, or the
// binary's name.
func (s *Spec) DebPackageName() string {
	if d := s.Outputs.Deb; d != nil && d.Package != "" {
		return d.Package
	}
	return s.Name
}

// debReserved are the install paths weld itself writes in the .deb of
// package pkg with binary name: a files: entry may not take them.
func debReserved(name, pkg string) map[string]string {
	doc := "/usr/share/doc/" + pkg + "/"
	return map[string]string{
		"/usr/bin/" + name:                            "the binary",
		doc + "copyright":                             "the copyright file weld writes",
		doc + "changelog.gz":                          "the changelog weld writes",
		doc + "changelog.Debian.gz":                   "the changelog weld writes",
		"/usr/lib/systemd/system/" + pkg + ".service": "the unit of systemd: {unit: FILE}",
		"/lib/systemd/system/" + pkg + ".service":     "the unit of systemd: {unit: FILE}",
		"/usr/share/lintian/overrides/" + pkg:         "the lintian overrides weld writes",
	}
}

// checkDebInstall checks what the package installs beside the binary:
// files that exist, install paths that are absolute, clean, unique and
// not weld's own, and user and group names adduser accepts.
func (s *Spec) checkDebInstall(d *DebOutput) error {
	reserved := debReserved(s.Name, s.DebPackageName())
	seen := map[string]Pos{}
	for _, f := range d.Files {
		if msg := checkDebSource(f.Src); msg != "" {
			return errorf(f.Pos, "outputs.deb.files: %s", msg)
		}
		dst := f.Dst
		switch {
		case !strings.HasPrefix(dst, "/") || dst == "/" || strings.HasSuffix(dst, "/"):
			return errorf(f.Pos, "outputs.deb.files: install path %s for %s must be the absolute path of a file, e.g. /etc/%s/%s",
				short(dst), short(path.Base(f.Src)), s.DebPackageName(), path.Base(f.Src))
		case path.Clean(dst) != dst:
			return errorf(f.Pos, "outputs.deb.files: install path %s is not clean; write %s", short(dst), short(path.Clean(dst)))
		case strings.IndexFunc(dst, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
			return errorf(f.Pos, "outputs.deb.files: install path %s holds white space or control characters, which DEBIAN/conffiles and md5sums cannot list", short(dst))
		}
		if what, ok := reserved[dst]; ok {
			return errorf(f.Pos, "outputs.deb.files: %s is %s; install the file elsewhere", dst, what)
		}
		if prev, dup := seen[dst]; dup {
			return errorf(f.Pos, "outputs.deb.files: %s is installed twice (also at %s); keep one entry", dst, prev)
		}
		seen[dst] = f.Pos
	}
	if d.Unit != "" {
		if msg := checkDebSource(d.Unit); msg != "" {
			return errorf(d.UnitPos, "outputs.deb.systemd.unit: %s", msg)
		}
	}
	for _, u := range []struct {
		name, key string
		pos       Pos
	}{{d.User, "user", d.UserPos}, {d.Group, "group", d.GroupPos}} {
		if u.name == "" {
			continue
		}
		if msg := deb.CheckSystemName(u.name); msg != "" {
			return errorf(u.pos, "outputs.deb.%s: %s", u.key, msg)
		}
	}
	return nil
}

// checkDebSource says what is wrong with a file the package installs, or "".
func checkDebSource(src string) string {
	fi, err := os.Stat(src)
	switch {
	case err != nil && os.IsNotExist(err):
		return "no file " + src + " (paths are relative to the manifest's directory)"
	case err != nil:
		return err.Error()
	case !fi.Mode().IsRegular():
		return src + " is not a regular file; list each file to install"
	}
	return ""
}
