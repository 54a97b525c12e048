package build

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
)

var packageHeader = regexp.MustCompile(`(?m)^# (\S+)`)

// explainCompileError names the plugin (or app) whose package failed to
// compile, and the selected versions of the modules its failing files
// import that differ from those it requires, with who raised them, before
// the compiler's own output.
func explainCompileError(comp *compose.Composition, err error) error {
	ge, ok := err.(*gobuild.Error)
	if !ok {
		return err
	}
	m := packageHeader.FindStringSubmatch(ge.Stderr)
	if m == nil {
		return fmt.Errorf("go build failed:\n%s", strings.TrimSpace(ge.Stderr))
	}
	culprit := "package " + m[1]
	var module *compose.ListModule
	kind := "module"
	for _, p := range comp.Packages {
		if p.ImportPath != m[1] || p.Module == nil {
			continue
		}
		module = p.Module
		culprit = fmt.Sprintf("module %s (package %s)", p.Module.Path, m[1])
		if p.Module.Path == comp.App.Path {
			culprit, kind = fmt.Sprintf("app %s (package %s)", p.Module.Path, m[1]), "app"
		}
		for _, pl := range comp.Plugins {
			if pl.Module.Path == p.Module.Path {
				culprit, kind = fmt.Sprintf("plugin %s (%s)", pl.Spec.Source, pl.Spec.Pos), "plugin"
			}
		}
	}
	with := ""
	if module != nil {
		files := failingFiles(ge.Stderr, m[1], ge.Dir)
		if shifted := shiftedImports(comp, module, kind, files); len(shifted) > 0 {
			with = " with " + strings.Join(shifted, "; ")
		}
	}
	return fmt.Errorf("%s does not compile%s:\n%s", culprit, with, strings.TrimSpace(ge.Stderr))
}
