// Package deb writes Debian binary packages (.deb) without dpkg-deb.
//
// A .deb is an ar archive of three members: "debian-binary" ("2.0\n"),
// "control.tar.gz" (./control and ./md5sums) and "data.tar.gz" (the files,
// with a directory entry for "./" and every parent). Both tarballs and the
// ar headers carry Package.MTime and nothing of the build machine, so the
// same Package gives the same bytes (see package archive for the tar and
// gzip rules). Every regular file under /etc is a conffile (Debian policy
// 10.7.2), listed in ./conffiles; maintainer scripts are given as text.
package deb

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/artifact/archive"
)

// Package describes one binary package.
type Package struct {
	Name         string   // package name: lower case, digits, ".+-", at least two characters
	Version      string   // Debian version; see VersionFromGo
	Architecture string   // Debian architecture (see DebianArch) or "all"
	Maintainer   string   // "Name <email>"
	Description  string   // synopsis line, then optionally the extended description
	Homepage     string   // optional URL
	Section      string   // optional; "misc" when empty
	Priority     string   // optional; "optional" when empty
	Depends      []string // relations in the order given, e.g. "libc6 (>= 2.34)"
	// Files are the package's contents, named by their install path
	// without the leading "/" ("usr/bin/weld"). Parent directories are
	// added; listing them too is allowed.
	Files []archive.File
	MTime time.Time // every timestamp in the package, e.g. SOURCE_DATE_EPOCH; zero means 1970-01-01
	// Postinst, Prerm and Postrm are the maintainer scripts dpkg runs
	// (policy chapter 6), each starting with "#!"; empty means none.
	Postinst, Prerm, Postrm string
}

// FileName is the conventional name of p's .deb:
// name_version_arch.deb, without the version's epoch.
func (p Package) FileName() string {
	v := p.Version
	if i := strings.IndexByte(v, ':'); i >= 0 {
		v = v[i+1:]
	}
	return fmt.Sprintf("%s_%s_%s.deb", p.Name, v, p.Architecture)
}

// Check validates p's control fields and file names without reading any
// file.
func (p Package) Check() error {
	if !nameRE.MatchString(p.Name) {
		return fmt.Errorf("deb package name %q: want at least two of a-z, 0-9, '.', '+', '-', starting with a letter or digit", p.Name)
	}
	if err := CheckVersion(p.Version); err != nil {
		return fmt.Errorf("deb package %s: %w", p.Name, err)
	}
	if !knownArch(p.Architecture) {
		return fmt.Errorf("deb package %s: architecture %q is not a known Debian architecture", p.Name, p.Architecture)
	}
	if p.Maintainer == "" {
		return fmt.Errorf("deb package %s: Maintainer is required", p.Name)
	}
	if p.Description == "" {
		return fmt.Errorf("deb package %s: Description is required", p.Name)
	}
	for _, kv := range [][2]string{{"maintainer", p.Maintainer}, {"homepage", p.Homepage}, {"section", p.Section}, {"priority", p.Priority}} {
		if err := singleLine(kv[0], kv[1]); err != nil {
			return fmt.Errorf("deb package %s: %w", p.Name, err)
		}
	}
	for _, d := range p.Depends {
		if err := checkRelation(d); err != nil {
			return fmt.Errorf("deb package %s: %w", p.Name, err)
		}
	}
	if len(p.Files) == 0 {
		return fmt.Errorf("deb package %s: no files", p.Name)
	}
	for _, f := range p.Files {
		if strings.HasPrefix(f.Name, "/") || strings.HasPrefix(f.Name, "./") || f.CleanName() == "." {
			return fmt.Errorf("deb package %s: file %q: name it by its install path without a leading / or ./, e.g. usr/bin/%s", p.Name, f.Name, path.Base(f.Name))
		}
		if err := f.Check(); err != nil {
			return fmt.Errorf("deb package %s: %w", p.Name, err)
		}
		if strings.ContainsAny(f.Name, "\n\r") {
			return fmt.Errorf("deb package %s: file %q: a line break cannot be listed in md5sums or conffiles", p.Name, f.Name)
		}
	}
	for _, s := range p.scripts() {
		if s.text != "" && !strings.HasPrefix(s.text, "#!") {
			return fmt.Errorf("deb package %s: the %s script must start with #! and its interpreter, e.g. #!/bin/sh", p.Name, s.name)
		}
	}
	return nil
}

type script struct{ name, text string }

// scripts are p's maintainer scripts by their control archive names.
func (p Package) scripts() []script {
	return []script{{"postinst", p.Postinst}, {"postrm", p.Postrm}, {"prerm", p.Prerm}}
}

// isConffile says whether a data file (named without "./") is a
// conffile: policy 10.7.2 wants every file under /etc to be one.
func isConffile(name string) bool { return strings.HasPrefix(name, "etc/") }

// Write writes p as a .deb to w.
func Write(w io.Writer, p Package) error {
	if err := p.Check(); err != nil {
		return err
	}
	data, sums, dirs, err := dataTar(p)
	if err != nil {
		return fmt.Errorf("writing deb %s data: %w", p.Name, err)
	}
	ctrl, err := control(p, installedSize(sums, dirs))
	if err != nil {
		return fmt.Errorf("writing deb %s control: %w", p.Name, err)
	}
	ctrlFiles := []archive.File{
		archive.Dir("./"),
		{Name: "./control", Mode: 0o644, Data: []byte(ctrl)},
		{Name: "./md5sums", Mode: 0o644, Data: []byte(md5sums(sums))},
	}
	if c := conffiles(sums); c != "" {
		ctrlFiles = append(ctrlFiles, archive.File{Name: "./conffiles", Mode: 0o644, Data: []byte(c)})
	}
	for _, s := range p.scripts() {
		if s.text != "" {
			ctrlFiles = append(ctrlFiles, archive.File{Name: "./" + s.name, Mode: 0o755, Data: []byte(s.text)})
		}
	}
	var ctrlTar bytes.Buffer
	if err := archive.WriteTarGz(&ctrlTar, ctrlFiles, p.MTime); err != nil {
		return fmt.Errorf("writing deb %s control: %w", p.Name, err)
	}
	mtime := p.MTime
	if mtime.IsZero() {
		mtime = time.Unix(0, 0) // as package archive does
	}
	ar := newArWriter(w, mtime)
	for _, m := range []struct {
		name string
		data []byte
	}{
		{"debian-binary", []byte("2.0\n")},
		{"control.tar.gz", ctrlTar.Bytes()},
		{"data.tar.gz", data},
	} {
		if err := ar.add(m.name, m.data); err != nil {
			return fmt.Errorf("writing deb %s: %w", p.Name, err)
		}
	}
	return nil
}

// dataTar reads p's files once, returning data.tar.gz, the regular files'
// sums in path order and the number of directories (the root included).
func dataTar(p Package) ([]byte, []fileSum, int, error) {
	files := []archive.File{archive.Dir("./")}
	for _, f := range p.Files {
		b, f, err := f.ReadAll()
		if err != nil {
			return nil, nil, 0, err
		}
		f.Name, f.Data, f.Src = "./"+f.Name, b, ""
		if f.IsDir() {
			f.Data = nil
		}
		files = append(files, f)
	}
	files, err := archive.Sorted(archive.WithParents(files))
	if err != nil {
		return nil, nil, 0, err
	}
	var sums []fileSum
	dirs := 0
	for _, f := range files {
		if f.IsDir() {
			dirs++
			continue
		}
		sums = append(sums, fileSum{name: strings.TrimPrefix(f.Name, "./"), size: int64(len(f.Data)), md5: md5.Sum(f.Data)})
	}
	var buf bytes.Buffer
	if err := archive.WriteTarGz(&buf, files, p.MTime); err != nil {
		return nil, nil, 0, err
	}
	return buf.Bytes(), sums, dirs, nil
}
