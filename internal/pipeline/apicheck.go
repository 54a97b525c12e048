package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/apicheck"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/spec"
)

// checkAPIs reports the incompatible API changes that plugins use, before
// anything is compiled: an error for each plugin, or warnings with
// --allow-incompatible. The check depends on the resolution alone, so it
// runs only when the resolution differs from weld.lock, and its result
// is kept in weld's cache under the lock, so that going back to an
// earlier lock compares nothing either.
func (s *Session) checkAPIs(ctx context.Context) error {
	if !s.policy.Changed() {
		return nil
	}
	key := s.apiCheckKey()
	var findings []apicheck.Finding
	data, err := s.cache.LoadRecord(outcache.APIChecks, key)
	if err == nil {
		if json.Unmarshal(data, &findings) == nil {
			s.APIFindings = findings
			return s.reportIncompatible(findings)
		}
	} else {
		s.report.ReadFailed(err, key, apiCheckWhat)
	}
	o := s.apiCheckOptions()
	if len(o.Plugins) == 0 {
		return nil
	}
	defer os.RemoveAll(o.ScratchDir)
	if err := s.useComposedModFile(&o); err != nil {
		return fmt.Errorf("checking the plugins' APIs: %w", err)
	}
	o.Start = func(n int) func() {
		return s.opts.Steps.Start("checking", plural(n, "plugin")+" against the selected APIs")
	}
	findings, err = apicheck.Check(ctx, o)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // interrupted: nothing to warn about
		}
		// Only a diagnosis is lost: go build still compiles every plugin.
		s.opts.Steps.Warn(fmt.Sprintf("checking the plugins' APIs: %v", err))
		return nil
	}
	s.APIFindings = findings
	if data, err = json.Marshal(findings); err == nil {
		if err = s.cache.SaveRecord(outcache.APIChecks, key, data); err == nil {
			s.report.Stored(key, apiCheckWhat)
		}
	}
	if err != nil {
		s.opts.Steps.Warn(fmt.Sprintf("caching the API check: %v", err))
	}
	return s.reportIncompatible(findings)
}

// CompileErrors compiles the plugins' packages against the composition
// without linking (weld check), and returns the first error of each
// plugin module whose packages do not compile, by module path.
func (s *Session) CompileErrors(ctx context.Context) (map[string]string, error) {
	o := s.apiCheckOptions()
	var pkgs []string
	for _, p := range o.Plugins {
		pkgs = append(pkgs, p.Packages...)
	}
	if len(pkgs) == 0 {
		return nil, nil
	}
	defer os.RemoveAll(o.ScratchDir)
	if err := s.useComposedModFile(&o); err != nil {
		return nil, fmt.Errorf("compiling the plugins: %w", err)
	}
	byPackage, err := apicheck.CompileErrors(ctx, o, pkgs)
	if err != nil {
		return nil, fmt.Errorf("compiling the plugins: %w", err)
	}
	out := map[string]string{}
	for _, p := range o.Plugins {
		for _, pkg := range p.Packages {
			if msg, ok := byPackage[pkg]; ok && out[p.Module] == "" {
				out[p.Module] = msg
			}
		}
	}
	return out, nil
}

// apiCheckWhat names a cached API check in messages.
const apiCheckWhat = "the plugins' API check"

// apiCheckKey names the API check of a resolution: the lock pins every
// version and local content hash; the build's tags and environment
// choose the files that are checked.
func (s *Session) apiCheckKey() string {
	tags, _, _ := s.Comp.BuildFlags()
	return outcache.Key("weld apicheck v2", outcache.WeldIdentity(), s.policy.GoVersion, string(s.Lock.Format()),
		strings.Join(tags, ","), strings.Join(s.opts.Spec.Build.Env, "\x00"), "CGO_ENABLED="+s.Comp.HostCgo(),
		"GOFLAGS="+s.opts.Go.Getenv("GOFLAGS"))
}

// apiCheckOptions lists the composition's plugin modules (not the app's)
// with the packages of each that the build compiles.
func (s *Session) apiCheckOptions() apicheck.Options {
	c := s.Comp
	tags, _, _ := c.BuildFlags()
	o := apicheck.Options{
		Go: s.opts.Go, Composed: s.WorkDir, ScratchDir: filepath.Join(s.WorkDir, ".apicheck"),
		Selected: map[string]string{}, Tags: tags, GoSum: c.GoSum(),
		Env: append(append([]string(nil), s.opts.Spec.Build.Env...), "CGO_ENABLED="+c.HostCgo()),
	}
	built := map[string]compose.Module{}
	for _, m := range c.BuildList {
		built[m.Path] = m
		if !m.Local {
			o.Selected[m.Path] = m.Version
		}
	}
	packages := map[string][]string{}
	moduleOf := map[string]string{}
	for _, p := range c.Packages {
		if p.Module != nil {
			packages[p.Module.Path] = append(packages[p.Module.Path], p.ImportPath)
			moduleOf[p.ImportPath] = p.Module.Path
		}
	}
	// The modules that each module's packages import, in one pass.
	imports := map[string]map[string]bool{}
	for _, p := range c.Packages {
		if p.Module == nil {
			continue
		}
		if imports[p.Module.Path] == nil {
			imports[p.Module.Path] = map[string]bool{}
		}
		for _, d := range p.Imports {
			if m := moduleOf[d]; m != "" {
				imports[p.Module.Path][m] = true
			}
		}
	}
	importedModules := func(module string) []string {
		out := []string{}
		for m := range imports[module] {
			out = append(out, m)
		}
		return out
	}
	seen := map[string]bool{c.App.Path: true}
	for _, p := range c.Plugins {
		m, ok := built[p.Module.Path]
		if !ok || seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		version := m.Version
		if m.Local {
			version = ""
		}
		o.Plugins = append(o.Plugins, apicheck.Plugin{Module: m.Path, Version: version, Dir: m.Dir,
			Packages: packages[m.Path], ImportedModules: importedModules(m.Path)})
	}
	return o
}

// useComposedModFile has the check list packages as go build compiles
// them: in the build directory, with the composed go.mod that the build
// reads through -overlay. The go.mod on disk there can be the resolution's
// scratch module, whose build list leaves out what the generated main
// imports (and so can select older versions than the build).
func (s *Session) useComposedModFile(o *apicheck.Options) error {
	c := s.Comp
	mod, ok := c.Overlay[filepath.Join(c.BuildDir, "go.mod")]
	if !ok {
		return nil
	}
	if err := os.MkdirAll(o.ScratchDir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(o.ScratchDir, "composed.mod")
	if err := os.WriteFile(name, mod, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.ScratchDir, "composed.sum"), c.GoSum(), 0o644); err != nil {
		return err
	}
	o.Composed, o.ModFile = c.BuildDir, name
	return nil
}

// reportIncompatible turns the findings into one error per plugin, at
// its manifest entry, or with --allow-incompatible into warnings.
func (s *Session) reportIncompatible(findings []apicheck.Finding) error {
	if s.opts.AllowIncompatible {
		for _, f := range findings {
			s.opts.Steps.Warn(f.String() + " (--allow-incompatible)")
		}
		return nil
	}
	var errs []error
	for len(findings) > 0 {
		n := 1
		for n < len(findings) && findings[n].Plugin == findings[0].Plugin {
			n++
		}
		errs = append(errs, s.incompatibleError(findings[:n]))
		findings = findings[n:]
	}
	return errors.Join(errs...)
}

// incompatibleError is one plugin's findings, at its manifest entry, with
// what to do about them.
func (s *Session) incompatibleError(findings []apicheck.Finding) error {
	f := findings[0]
	var pos spec.Pos
	for _, p := range s.Comp.Plugins {
		if p.Module.Path == f.Plugin {
			pos = p.Spec.Pos
			break
		}
	}
	var modules []string
	seen := map[string]bool{}
	for _, g := range findings {
		if !seen[g.Module] {
			seen[g.Module] = true
			modules = append(modules, g.Module)
		}
	}
	hint := fmt.Sprintf("use a version of the plugin written for the selected %s, or pass --allow-incompatible to build anyway (see: weld why %s)",
		strings.Join(modules, ", "), modules[0])
	var msg strings.Builder
	if len(findings) == 1 {
		fmt.Fprintf(&msg, "%s; %s", f, hint)
	} else {
		fmt.Fprintf(&msg, "plugin %s is incompatible with the selected versions:", f.Plugin)
		for _, g := range findings {
			fmt.Fprintf(&msg, "\n\t%s", strings.TrimPrefix(g.String(), "plugin "+g.Plugin+" "))
		}
		fmt.Fprintf(&msg, "\n%s", hint)
	}
	return &spec.Error{Pos: pos, Msg: msg.String()}
}

// plural is "1 plugin", "2 plugins".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
