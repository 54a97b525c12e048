package nix

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/compose"
)

// planTargets works out, for each system, the composition its target
// builds (plugins limited to other targets are left out), whether it uses
// cgo and which nixpkgs attributes its C libraries come from. When the
// compositions differ, each target gets a build tag that selects its own
// generated file.
func planTargets(c *compose.Composition, systems []System, attrs Attrs) ([]SystemBuild, []*compose.Composition, error) {
	targets := make([]SystemBuild, len(systems))
	subs := make([]*compose.Composition, len(systems))
	var problems []string
	seen := map[string]bool{}
	filtered := false
	for i, s := range systems {
		sub, err := c.ForTarget(s.Target)
		if err != nil {
			return nil, nil, fmt.Errorf("composing for %s: %w", s.Target, err)
		}
		subs[i], filtered = sub, filtered || sub != c
		in, cgo, err := cInputs(sub, attrs)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !seen[line] {
					seen[line] = true
					problems = append(problems, line)
				}
			}
		}
		targets[i] = SystemBuild{System: s, Cgo: cgo, PkgConfig: in.PkgConfig, BuildInputs: in.BuildInputs}
	}
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	if filtered {
		for i := range targets {
			targets[i].Tag = "weld_target_" + strings.ReplaceAll(targets[i].PackageName(), "-", "_")
		}
	}
	return targets, subs, nil
}

// writeTargetFiles replaces the generated file in the flake's main module
// by one file per target, each behind its target's build tag, when the
// targets' plugins differ. go mod vendor reads every file whatever its
// tags, so the vendor directory, and vendorHash, serve all targets.
func writeTargetFiles(c *compose.Composition, subs []*compose.Composition, targets []SystemBuild, main string) error {
	if len(targets) == 0 || targets[0].Tag == "" {
		return nil
	}
	var gen string
	for name := range c.Overlay {
		if filepath.Base(name) == compose.GeneratedFileName {
			gen = name
		}
	}
	rel, err := filepath.Rel(c.BuildDir, gen)
	if gen == "" || err != nil {
		return fmt.Errorf("the composition has no %s", compose.GeneratedFileName)
	}
	base := filepath.Join(main, rel)
	if err := os.Remove(base); err != nil {
		return err
	}
	for i, t := range targets {
		data := subs[i].Overlay[filepath.Join(subs[i].BuildDir, rel)]
		if data == nil {
			return fmt.Errorf("the composition for %s has no %s", t.Target, compose.GeneratedFileName)
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "//go:build %s\n\n", t.Tag)
		b.Write(data)
		name := strings.TrimSuffix(base, ".go") + "_" + t.PackageName() + ".go"
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
