package pack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/attest"
	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// writeDeb writes a .deb with the binary at /usr/bin/NAME, Depends
// computed from the libraries the binary loads, and what debPackage adds.
func (w *Writer) writeDeb(ctx context.Context, a build.Binary, mtime time.Time) (string, error) {
	pkg, err := w.debPackage(ctx, a, mtime)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := deb.Write(&buf, pkg); err != nil {
		return "", err
	}
	path := filepath.Join(w.OutDir, pkg.FileName())
	return path, writeOutput(ctx, path, buf.Bytes())
}

// debPackage describes the .deb of a binary: its control fields, with
// Depends from the libraries it loads, and debContent.
func (w *Writer) debPackage(ctx context.Context, a build.Binary, mtime time.Time) (deb.Package, error) {
	sp, d := w.Spec, w.Spec.Outputs.Deb
	arch, err := target.PackageArch(a.Target)
	if err != nil {
		return deb.Package{}, err
	}
	version, err := deb.VersionFromGo(sp.Version)
	if err != nil {
		return deb.Package{}, err
	}
	depends, err := w.debDepends(ctx, a)
	if err != nil {
		return deb.Package{}, err
	}
	name := sp.DebPackageName()
	c, err := w.debContent(a, version)
	if err != nil {
		return deb.Package{}, err
	}
	if c.setup.User != "" || c.setup.Group != "" {
		depends = append(depends, "adduser") // postinst runs adduser and addgroup
	}
	pkg := deb.Package{Name: name, Version: version, Architecture: arch, Maintainer: d.Maintainer,
		Description: c.description, Homepage: d.Homepage, Section: d.Section, Depends: depends, MTime: mtime, Files: c.files}
	pkg.Postinst, pkg.Prerm, pkg.Postrm = c.setup.Scripts()
	return pkg, nil
}

// debContent is what a .deb holds beyond its control fields, all read
// into memory but the binary.
type debContent struct {
	files       []archive.File
	description string
	setup       deb.Setup
}

// debContent makes the package's files and scripts, which depend only on
// the manifest, the composition, the binary and the time: the binary, the
// copyright file and the changelog Debian policy asks for, the manifest's
// files (conffiles under /etc), its systemd unit, and the maintainer
// scripts that create its user and enable the unit.
func (w *Writer) debContent(a build.Binary, version string) (debContent, error) {
	sp, d := w.Spec, w.Spec.Outputs.Deb
	name := sp.DebPackageName()
	mods, err := debModules(w.Comp, a.Path)
	if err != nil {
		return debContent{}, fmt.Errorf("listing the modules for the copyright file: %w", err)
	}
	source := d.Homepage
	if source == "" {
		source = mods[0].Path
	}
	copyright, err := copyrightFile(name, source, sp.Name, mods, w.moduleLicenses)
	if err != nil {
		return debContent{}, fmt.Errorf("writing the copyright file: %w", err)
	}
	description := d.Description
	if !strings.Contains(strings.TrimSpace(description), "\n") {
		description = strings.TrimSpace(description) + "\n" + extendedDescription(sp.Name, mods)
	}
	doc := "usr/share/doc/" + name + "/"
	files := []archive.File{
		{Name: "usr/bin/" + sp.Name, Mode: 0o755, Src: a.Path},
		{Name: doc + "copyright", Mode: 0o644, Data: copyright},
		{Name: doc + deb.ChangelogName(version), Mode: 0o644, Data: deb.GzipDoc(changelogText(name, version, d.Maintainer, mods, w))},
	}
	if o := lintianOverrides(name, sp.Name, a.Path); o != "" {
		files = append(files, archive.File{Name: "usr/share/lintian/overrides/" + name, Mode: 0o644, Data: []byte(o)})
	}
	for _, f := range d.Files {
		data, err := os.ReadFile(f.Src)
		if err != nil {
			return debContent{}, fmt.Errorf("outputs.deb.files: %w", err)
		}
		files = append(files, archive.File{Name: strings.TrimPrefix(f.Dst, "/"), Mode: fileMode(f.Src), Data: data})
	}
	setup := deb.Setup{User: d.User, Group: d.Group}
	if d.Unit != "" {
		unit, err := os.ReadFile(d.Unit)
		if err != nil {
			return debContent{}, fmt.Errorf("outputs.deb.systemd.unit: %w", err)
		}
		setup.Unit = name + ".service"
		files = append(files, archive.File{Name: "usr/lib/systemd/system/" + setup.Unit, Mode: 0o644, Data: unit})
	}
	if err := setup.Check(); err != nil {
		return debContent{}, err
	}
	return debContent{files: files, description: description, setup: setup}, nil
}

// DebInputs names the content of the files the manifest's .deb installs
// from this machine (files: and the systemd unit), for the cache keys of
// what describes a package, such as its SBOM: editing one of them changes
// the package's bytes while the binary and the manifest stay the same.
func DebInputs(sp *spec.Spec) string {
	d := sp.Outputs.Deb
	if d == nil {
		return ""
	}
	h := sha256.New()
	srcs := []string{d.Unit}
	for _, f := range d.Files {
		srcs = append(srcs, f.Src)
	}
	for _, src := range srcs {
		if src == "" {
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			fmt.Fprintf(h, "%q: %v\n", src, err)
			continue
		}
		fmt.Fprintf(h, "%q %o %d\n", src, fileMode(src), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// moduleLicenses reads a module's license files once per Writer: every
// target's package names the same modules.
func (w *Writer) moduleLicenses(dir string) []attest.LicenseFile {
	if v, ok := w.licenses.Load(dir); ok {
		return v.([]attest.LicenseFile)
	}
	files := attest.ModuleLicenseFiles(dir)
	w.licenses.Store(dir, files)
	return files
}

// fileMode keeps a source file's execute bit: a script installed with
// files: stays executable.
func fileMode(src string) os.FileMode {
	if fi, err := os.Stat(src); err == nil && fi.Mode()&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// lintianOverrides are the lintian tags that a Go program packaged by weld
// raises by design, each with its reason, for the binary at path; "" when
// none applies.
func lintianOverrides(pkg, bin, path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var b strings.Builder
	if f.Section(".symtab") != nil {
		fmt.Fprintf(&b, "# weld packages the binary exactly as built, so that its sha256 is the one\n"+
			"# the build's provenance records; build.ldflags: -s -w strips it at link time.\n"+
			"%s: unstripped-binary-or-object [usr/bin/%s]\n", pkg, bin)
	}
	if f.Section(".interp") == nil && f.Section(".dynamic") == nil {
		fmt.Fprintf(&b, "# Go links programs without cgo statically. lintian exempts Go programs\n"+
			"# only when it sees a source package that build-depends on golang-go.\n"+
			"%s: statically-linked-binary [usr/bin/%s]\n", pkg, bin)
	}
	return b.String()
}
