package spec

// MaxPlugins is the most plugin entries a manifest may list. Each plugin
// is a module the go command resolves and a package it compiles: 10,000
// local plugins take about a minute and a half to compose and build on two
// cores (see "Many plugins" in BENCHMARKS.md), so a manifest with more is a mistake or
// an attack, and gets one error before any work starts. A real composition
// that needs more groups its plugins into modules that import them.
const MaxPlugins = 10000

// checkPluginCount refuses a manifest with more than MaxPlugins plugins,
// at the first entry over the limit.
func (s *Spec) checkPluginCount() error {
	if len(s.Plugins) <= MaxPlugins {
		return nil
	}
	return errorf(s.Plugins[MaxPlugins].Pos,
		"the manifest lists %d plugins, more than weld's limit of %d; compose fewer, or group plugins into a module whose package imports them and list that module once",
		len(s.Plugins), MaxPlugins)
}
