package outdir

import (
	"path/filepath"

	"github.com/weldgo/weld/internal/spec"
)

// ProjectDirs are the directories of s's project that no output may be
// or contain: the manifest's directory (the working directory without a
// manifest), the local app and plugin module roots, directory
// replacements and user-provided sysroots.
func ProjectDirs(s *spec.Spec) []Protected {
	var out []Protected
	add := func(dir, what string) {
		if dir == "" {
			return
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(s.Dir, dir)
		}
		out = append(out, Protected{Dir: filepath.Clean(dir), What: what})
	}
	if s.File != "" {
		add(s.Dir, "the manifest's directory")
	} else {
		add(s.Dir, "the working directory")
	}
	add(s.App.Dir, "the module root of the app "+s.App.Module)
	for _, p := range s.Plugins {
		add(p.Dir, "the module root of plugin "+p.Module)
	}
	for _, r := range s.Replace {
		if r.NewVersion == "" {
			add(r.NewPath, "the replacement directory of "+r.OldPath)
		}
	}
	add(s.Sysroot.Dir, "the sysroot directory")
	for _, t := range s.Targets {
		add(t.Sysroot.Dir, "the sysroot directory of "+t.Name)
	}
	return out
}
