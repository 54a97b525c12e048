// Package testproxy builds a file-based Go module proxy from txtar archives.
//
// Tests of weld must resolve plugin modules through the real go command, but
// must never reach the network: results would depend on what happens to be
// published, and CI may have no internet. Build turns a directory of small
// txtar archives into a GOPROXY tree that the go command reads through a
// file:// URL (see URL), so tests get real version resolution, real go.sum
// hashes and real module cache behaviour, all offline and deterministic.
//
// The source layout follows the convention of cmd/go's testdata/mod: each
// archive is named <module path with "/" replaced by "_">_<version>.txtar,
// for example example.com_plugin_hello_v1.0.0.txtar. Only the version is
// taken from the name (the text after the last "_"), because module paths
// may themselves contain "_"; the module path comes from the archive's
// go.mod. An optional ".info" entry overrides the served info JSON (for
// example to set a Time). Every other entry is module content at its
// relative path. The archive comment is free text and is ignored.
package testproxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/zip"
)

// DefaultTime is the Time served in .info files of archives that do not give
// their own, fixed so that proxies built from the same sources are identical.
var DefaultTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// info is the JSON document served at @v/<version>.info.
type info struct {
	Version string
	Time    time.Time
}

// Build reads module sources (*.txtar files; other entries are ignored) from
// srcDir and writes a GOPROXY directory tree at dstDir
// (dstDir/<escaped module path>/@v/{list,<v>.info,<v>.mod,<v>.zip}) usable as
// GOPROXY=URL(dstDir). dstDir is created if needed. Errors name the
// offending archive.
func Build(srcDir, dstDir string) error {
	entries, err := os.ReadDir(srcDir)
	if err != nil {
		return err
	}
	versions := make(map[string][]string) // module path -> versions
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".txtar") {
			continue
		}
		file := filepath.Join(srcDir, e.Name())
		mv, err := writeVersion(file, dstDir)
		if err != nil {
			return fmt.Errorf("testproxy: %s: %w", file, err)
		}
		for _, v := range versions[mv.Path] {
			if v == mv.Version {
				return fmt.Errorf("testproxy: %s: duplicate module %s@%s", file, mv.Path, v)
			}
		}
		versions[mv.Path] = append(versions[mv.Path], mv.Version)
	}
	for mod, vs := range versions {
		semver.Sort(vs)
		esc, _ := module.EscapePath(mod) // already checked by writeVersion
		list := strings.Join(vs, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(dstDir, esc, "@v", "list"), []byte(list), 0o666); err != nil {
			return fmt.Errorf("testproxy: %w", err)
		}
	}
	return nil
}

// writeVersion writes the .mod, .info and .zip files for one archive and
// reports which module version it holds.
func writeVersion(file, dstDir string) (module.Version, error) {
	var mv module.Version
	base := strings.TrimSuffix(filepath.Base(file), ".txtar")
	i := strings.LastIndex(base, "_")
	if i < 0 {
		return mv, fmt.Errorf("file name must be <module>_<version>.txtar")
	}
	mv.Version = base[i+1:]
	if !semver.IsValid(mv.Version) || module.CanonicalVersion(mv.Version) != mv.Version {
		return mv, fmt.Errorf("version %q in file name is not a canonical semantic version", mv.Version)
	}

	ar, err := txtar.ParseFile(file)
	if err != nil {
		return mv, err
	}
	var gomod, infoJSON []byte
	var files []zip.File
	seen := make(map[string]bool)
	for _, f := range ar.Files {
		if seen[f.Name] {
			return mv, fmt.Errorf("duplicate entry %s", f.Name)
		}
		seen[f.Name] = true
		switch f.Name {
		case ".info":
			infoJSON = f.Data
			continue
		case ".mod":
			return mv, fmt.Errorf("entry .mod is not supported; the go.mod entry is served as .mod")
		case "go.mod":
			gomod = f.Data
		}
		files = append(files, memFile{f.Name, f.Data})
	}
	if gomod == nil {
		return mv, fmt.Errorf("missing go.mod entry")
	}
	mf, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return mv, err
	}
	if mf.Module == nil {
		return mv, fmt.Errorf("go.mod has no module line")
	}
	mv.Path = mf.Module.Mod.Path
	if err := module.Check(mv.Path, mv.Version); err != nil {
		return mv, err
	}

	inf := info{Version: mv.Version, Time: DefaultTime}
	if infoJSON != nil {
		var given info
		if err := json.Unmarshal(infoJSON, &given); err != nil {
			return mv, fmt.Errorf(".info: %w", err)
		}
		if given.Version != "" && given.Version != mv.Version {
			return mv, fmt.Errorf(".info: Version %q does not match file name version %q", given.Version, mv.Version)
		}
		if !given.Time.IsZero() {
			inf.Time = given.Time.UTC()
		}
	}
	infoOut, err := json.Marshal(inf)
	if err != nil {
		return mv, err
	}

	// zip.Create silently drops files that do not belong in a module zip
	// (vendor/, nested modules); in a hand-written fixture that is a mistake.
	cf, err := zip.CheckFiles(files)
	if err != nil {
		return mv, err
	}
	if len(cf.Omitted) > 0 {
		return mv, fmt.Errorf("entries would be omitted from the module zip:\n%v", zip.FileErrorList(cf.Omitted))
	}
	var zbuf bytes.Buffer
	if err := zip.Create(&zbuf, mv, files); err != nil {
		return mv, err
	}

	escPath, err := module.EscapePath(mv.Path)
	if err != nil {
		return mv, err
	}
	escVers, err := module.EscapeVersion(mv.Version)
	if err != nil {
		return mv, err
	}
	dir := filepath.Join(dstDir, escPath, "@v")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return mv, err
	}
	for ext, data := range map[string][]byte{".mod": gomod, ".info": infoOut, ".zip": zbuf.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, escVers+ext), data, 0o666); err != nil {
			return mv, err
		}
	}
	return mv, nil
}

// URL returns the file:// URL for a proxy directory, suitable as GOPROXY.
// A relative dir is made absolute, because the go command rejects relative
// file URLs. Commas are escaped too since GOPROXY is a comma-separated list.
func URL(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: C:/x -> /C:/x
	}
	u := url.URL{Scheme: "file", Path: p}
	return strings.ReplaceAll(u.String(), ",", "%2C")
}

// memFile is an in-memory zip.File backed by a txtar entry.
type memFile struct {
	name string
	data []byte
}

func (f memFile) Path() string                 { return f.name }
func (f memFile) Lstat() (fs.FileInfo, error)  { return memInfo(f), nil }
func (f memFile) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.data)), nil }

type memInfo memFile

func (fi memInfo) Name() string       { return path.Base(fi.name) }
func (fi memInfo) Size() int64        { return int64(len(fi.data)) }
func (fi memInfo) Mode() fs.FileMode  { return 0o644 }
func (fi memInfo) ModTime() time.Time { return DefaultTime }
func (fi memInfo) IsDir() bool        { return false }
func (fi memInfo) Sys() any           { return nil }
