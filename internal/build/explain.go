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
// compile, before the compiler's own output.
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
	for _, p := range comp.Packages {
		if p.ImportPath != m[1] || p.Module == nil {
			continue
		}
		culprit = fmt.Sprintf("module %s (package %s)", p.Module.Path, m[1])
		if p.Module.Path == comp.App.Path {
			culprit = fmt.Sprintf("app %s (package %s)", p.Module.Path, m[1])
		}
		for _, pl := range comp.Plugins {
			if pl.Module.Path == p.Module.Path {
				culprit = fmt.Sprintf("plugin %s (%s)", pl.Spec.Source, pl.Spec.Pos)
			}
		}
	}
	return fmt.Errorf("%s does not compile:\n%s", culprit, strings.TrimSpace(ge.Stderr))
}
