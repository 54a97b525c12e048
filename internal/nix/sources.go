package nix

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/modfiles"
)

// The flake's source layout:
//
//	flake.nix
//	main/            the composed main module: the app's files (or, for an
//	                 entry app, none) with the composed go.mod, go.sum and
//	                 generated file
//	local/NAME/      each module the composition takes from a directory,
//	                 copied, with main/go.mod's replace pointing at it
//
// so that the flake is self-contained and its go.mod refers only to
// directories inside it.
const (
	mainDir  = "main"
	localDir = "local"
)

// writeSources writes main/ and local/ under dst and returns the main
// module's path. skip holds directories never to copy from (the output).
func writeSources(c *compose.Composition, dst string, skip []string) (string, error) {
	main := filepath.Join(dst, mainDir)
	if err := os.MkdirAll(main, 0o755); err != nil {
		return "", err
	}
	if c.Spec.App.Entry == "" {
		if err := copyModule(c.BuildDir, main, skip); err != nil {
			return "", fmt.Errorf("copying app %s from %s: %w", c.App.Path, c.BuildDir, err)
		}
	}
	var modPath string
	names := make([]string, 0, len(c.Overlay))
	for name := range c.Overlay {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data := c.Overlay[name]
		rel, err := filepath.Rel(c.BuildDir, name)
		if err != nil || strings.HasPrefix(rel, "..") {
			return "", fmt.Errorf("composed file %s is outside the build directory %s", name, c.BuildDir)
		}
		if rel == "go.mod" {
			f, err := modfile.Parse(name, data, nil)
			if err != nil {
				return "", fmt.Errorf("reading the composed go.mod: %w", err)
			}
			// A replacement of the main module itself is ignored by go.
			for _, r := range f.Replace {
				if r.Old.Path == f.Module.Mod.Path {
					_ = f.DropReplace(r.Old.Path, r.Old.Version)
				}
			}
			f.Cleanup()
			if err := copyLocals(c.BuildDir, f, dst, skip); err != nil {
				return "", err
			}
			modPath = f.Module.Mod.Path
			f.Cleanup()
			data = modfile.Format(f.Syntax)
		}
		target := filepath.Join(main, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return "", err
		}
	}
	if modPath == "" {
		return "", fmt.Errorf("the composition has no go.mod")
	}
	return modPath, nil
}

// copyLocals copies every directory that f's replace directives name into
// local/, and points the directives there.
func copyLocals(buildDir string, f *modfile.File, dst string, skip []string) error {
	reps := append([]*modfile.Replace(nil), f.Replace...)
	sort.Slice(reps, func(i, j int) bool {
		if reps[i].Old.Path != reps[j].Old.Path {
			return reps[i].Old.Path < reps[j].Old.Path
		}
		return reps[i].Old.Version < reps[j].Old.Version
	})
	taken := map[string]string{} // lower-cased name → source directory
	for _, r := range reps {
		if r.New.Version != "" {
			continue
		}
		src := r.New.Path
		if !filepath.IsAbs(src) {
			src = filepath.Join(buildDir, filepath.FromSlash(src))
		}
		real, err := filepath.EvalSymlinks(src)
		if err != nil {
			return fmt.Errorf("module %s is replaced by directory %s: %w", r.Old.Path, src, err)
		}
		name := localName(r.Old.Path, real, taken)
		if _, done := taken[strings.ToLower(name)]; !done {
			taken[strings.ToLower(name)] = real
			if err := copyModule(real, filepath.Join(dst, localDir, name), skip); err != nil {
				return fmt.Errorf("copying module %s from %s: %w", r.Old.Path, real, err)
			}
		}
		if err := f.AddReplace(r.Old.Path, r.Old.Version, "../"+localDir+"/"+name, ""); err != nil {
			return err
		}
	}
	return nil
}

// localName picks local/NAME for a module: the shortest tail of its path
// not yet taken by another directory (hello, then plugins_hello, ...).
// The same directory keeps its name.
func localName(modPath, dir string, taken map[string]string) string {
	elems := strings.Split(modPath, "/")
	start := 1
	if last := elems[len(elems)-1]; len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		start = 2 // example.com/foo/v2 → foo_v2
	}
	for k := start; k <= len(elems); k++ {
		name := strings.Join(elems[len(elems)-k:], "_")
		if d, ok := taken[strings.ToLower(name)]; !ok || d == dir {
			return name
		}
	}
	for i := 2; ; i++ {
		name := fmt.Sprintf("%s_%d", strings.Join(elems, "_"), i)
		if d, ok := taken[strings.ToLower(name)]; !ok || d == dir {
			return name
		}
	}
}

// copyModule copies the files of a module that a build could read (what
// weld.lock's hash covers), but for its vendor directory: the flake
// vendors the composition itself. Files under skip are left out.
func copyModule(src, dst string, skip []string) error {
	return modfiles.Copy(src, dst, append([]string{filepath.Join(src, "vendor")}, skip...)...)
}

func under(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// installName is the file name go install gives the binary of a main
// package: its last import path element, or the one before a major
// version suffix.
func installName(pkg string) string {
	base := path.Base(pkg)
	if dir := path.Dir(pkg); dir != "." && len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" && base[1] != '0' {
		return path.Base(dir)
	}
	return base
}
