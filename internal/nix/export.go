package nix

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/cdeps"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/outdir"
	"github.com/weldgo/weld/internal/spec"
)

// Marker starts every flake.nix weld writes. Older weld versions knew
// their flakes by it; FlakeOutput still does.
const Marker = "# flake.nix for "

// Options configures Export.
type Options struct {
	Comp *compose.Composition
	// Go runs go mod vendor, with the toolchain the composition was
	// resolved with; GoVersion names it (go1.26.8), which picks the
	// nixpkgs Go.
	Go        gobuild.GoCommand
	GoVersion string
	// Out is the flake directory; it is replaced as FlakeOutput allows.
	Out string
	// VendorDir, when set, receives the vendor directory whose hash is
	// the flake's vendorHash, for checking with nix-hash; it is replaced
	// as VendorDirOutput allows.
	VendorDir string
	Nixpkgs   string
	Systems   []System
	Attrs     Attrs
	// Start begins a progress step, as progress.Steps.Start.
	Start func(name, detail string) (done func())
	Warn  func(string)
}

// Export writes the flake directory and returns what flake.nix says.
func Export(ctx context.Context, o Options) (*Flake, error) {
	if o.Start == nil {
		o.Start = func(string, string) func() { return func() {} }
	}
	if o.Warn == nil {
		o.Warn = func(string) {}
	}
	c := o.Comp
	targets, subs, err := planTargets(c, o.Systems, o.Attrs)
	if err != nil {
		return nil, err
	}
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return nil, err
	}
	var vendorOut string
	if o.VendorDir != "" {
		if vendorOut, err = filepath.Abs(o.VendorDir); err != nil {
			return nil, err
		}
		if under(vendorOut, []string{out}) || under(out, []string{vendorOut}) {
			return nil, fmt.Errorf("--vendor-dir %s must be outside the flake directory %s", o.VendorDir, o.Out)
		}
	}
	flake, err := FlakeOutput(c.Spec).Begin(o.Out)
	if err != nil {
		return nil, err
	}
	defer flake.Abort()
	var vendorDir *outdir.Pending
	if o.VendorDir != "" {
		if vendorDir, err = VendorDirOutput(c.Spec).Begin(o.VendorDir); err != nil {
			return nil, err
		}
		defer vendorDir.Abort()
	}
	tmp := flake.Tmp

	// The outputs may lie inside a local module: never copy them, their
	// temporary siblings (this run's and any other's) included.
	var skip []string
	for _, o := range []string{out, vendorOut} {
		if o == "" {
			continue
		}
		skip = append(skip, o)
		tmps := atomicfile.Temps(filepath.Dir(o), filepath.Base(o))
		skip = append(skip, tmps...)
		if real, err := filepath.EvalSymlinks(filepath.Dir(o)); err == nil {
			skip = append(skip, filepath.Join(real, filepath.Base(o)))
			for _, t := range tmps {
				skip = append(skip, filepath.Join(real, filepath.Base(t)))
			}
		}
	}
	modPath, err := writeSources(c, tmp, skip)
	if err == nil {
		err = writeTargetFiles(c, subs, targets, filepath.Join(tmp, mainDir))
	}
	if err != nil {
		return nil, fmt.Errorf("writing the flake's sources: %w", err)
	}
	done := o.Start("vendoring", "for the vendorHash")
	vendor, err := vendorMain(ctx, o.Go, filepath.Join(tmp, mainDir))
	done()
	if err != nil {
		return nil, err
	}
	tags, ldflags, err := c.BuildFlags()
	if err != nil {
		return nil, err
	}
	f := &Flake{
		Name: c.Spec.Name, Version: c.Spec.Version, Nixpkgs: o.Nixpkgs,
		GoAttr: goAttr(o.GoVersion), ModRoot: mainDir, InstallName: installName(c.MainPackage),
		SubPackage: subPackage(c.MainPackage, modPath), Tags: tags,
		Ldflags: splitLdflags(ldflags), Targets: targets,
	}
	if f.Version == "" {
		f.Version = "0"
	}
	if f.Nixpkgs == "" {
		f.Nixpkgs = DefaultNixpkgs
	}
	f.Env = flakeEnv(c.Spec.Build.Env, o.Warn)
	f.Description, f.Header = describe(c, f)
	if vendor != "" {
		sum, err := HashPath(vendor)
		if err != nil {
			return nil, fmt.Errorf("hashing the vendor directory: %w", err)
		}
		f.VendorHash = SRI(sum)
		if vendorDir != nil {
			if err := moveEntries(vendor, vendorDir.Tmp); err != nil {
				return nil, fmt.Errorf("moving the vendor directory to %s: %w", o.VendorDir, err)
			}
		}
		// buildGoModule refuses a source with a vendor directory.
		if err := os.RemoveAll(vendor); err != nil {
			return nil, err
		}
	}
	data, err := f.Render()
	if err != nil {
		return nil, fmt.Errorf("writing flake.nix: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "flake.nix"), data, 0o644); err != nil {
		return nil, err
	}
	// A flake.lock pins nixpkgs; keep the user's.
	if lock, err := os.ReadFile(filepath.Join(out, "flake.lock")); err == nil {
		if err := os.WriteFile(filepath.Join(tmp, "flake.lock"), lock, 0o644); err != nil {
			return nil, err
		}
	}
	if vendorDir != nil && vendor != "" {
		if err := vendorDir.Commit(); err != nil {
			return nil, err
		}
	}
	return f, flake.Commit()
}

// FlakeOutput is the rule for weld nix's flake directory: weld replaces
// only its own earlier flake (or an empty directory).
func FlakeOutput(sp *spec.Spec) outdir.Rule {
	return outdir.Rule{Command: "weld nix", Flag: "-o", Protected: outdir.ProjectDirs(sp),
		Legacy: func(root *os.Root) bool {
			// Before markers, a flake was known by flake.nix's first line.
			data, err := root.ReadFile("flake.nix")
			return err == nil && bytes.HasPrefix(data, []byte(Marker))
		}}
}

// VendorDirOutput is the rule for --vendor-dir. Its marker lies beside
// the directory, so that the directory holds exactly what vendorHash is
// the hash of. A directory with a modules.txt is not weld's for that.
func VendorDirOutput(sp *spec.Spec) outdir.Rule {
	return outdir.Rule{Command: "weld nix --vendor-dir", Flag: "--vendor-dir", Protected: outdir.ProjectDirs(sp), MarkerBeside: true}
}

// vendorMain runs go mod vendor in the main module, as buildGoModule's
// go-modules derivation does, and returns the vendor directory, or "" when
// there is nothing to vendor. -mod flags are dropped from GOFLAGS so that,
// as in that derivation, a missing go.sum entry is an error rather than a
// download.
func vendorMain(ctx context.Context, r gobuild.GoCommand, dir string) (string, error) {
	var flags []string
	for _, fl := range strings.Fields(r.Getenv("GOFLAGS")) {
		if !strings.HasPrefix(fl, "-mod=") {
			flags = append(flags, fl)
		}
	}
	_, err := r.Run(ctx, gobuild.Call{Dir: dir, Args: []string{"mod", "vendor"},
		Env: []string{"GOFLAGS=" + strings.Join(flags, " "), "GOWORK=off"}})
	if err != nil {
		hint := ""
		if strings.Contains(err.Error(), "missing go.sum entry") {
			hint = "\nthe composed go.sum lacks a module's hash, so buildGoModule could not vendor it either; run weld lock, or go mod tidy in the module that needs it"
		}
		return "", fmt.Errorf("vendoring the composition as buildGoModule does: %w%s", err, hint)
	}
	vendor := filepath.Join(dir, "vendor")
	if _, err := os.Stat(filepath.Join(vendor, "modules.txt")); err != nil {
		return "", nil
	}
	return vendor, nil
}

// moveEntries moves the entries of the directory src into dst.
func moveEntries(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// cInputs decides CGO_ENABLED as weld build does (cgo auto is on only when
// a composed package uses cgo) and maps the C needs to nixpkgs.
func cInputs(c *compose.Composition, attrs Attrs) (CInputs, bool, error) {
	needs := cdeps.Find(c)
	var user *cdeps.Need
	for i := range needs {
		if needs[i].UsesCgo() {
			user = &needs[i]
			break
		}
	}
	switch mode := c.Spec.Build.Cgo; {
	case mode == spec.CgoOff && user != nil:
		return CInputs{}, false, fmt.Errorf("%s: %s %s uses cgo (package %s), but build.cgo is off; set build.cgo to auto or remove the %s",
			user.Owner.Pos, user.Owner.Kind, user.Owner.Module, user.Packages[0], user.Owner.Kind)
	case mode == spec.CgoOff, mode != spec.CgoOn && user == nil:
		return CInputs{}, false, nil
	}
	in, err := attrs.Map(needs)
	return in, true, err
}

// reservedEnv are variables the flake sets itself or that nixpkgs owns.
var reservedEnv = map[string]string{
	"CGO_ENABLED": "weld sets it from build.cgo", "GOOS": "the system sets it",
	"GOARCH": "the system sets it", "GOARM": "the system sets it",
	"GOFLAGS": "buildGoModule sets it", "GOTOOLCHAIN": "buildGoModule sets it",
	"GOPROXY": "buildGoModule sets it", "CC": "stdenv sets it", "CXX": "stdenv sets it",
	"GOPATH": "buildGoModule sets it", "GOCACHE": "buildGoModule sets it",
}

func flakeEnv(buildEnv []string, warn func(string)) []EnvVar {
	env := map[string]string{}
	for _, kv := range buildEnv {
		k, v, _ := strings.Cut(kv, "=")
		if why, ok := reservedEnv[k]; ok {
			warn(fmt.Sprintf("build.env %s is left out of the flake: %s", k, why))
			continue
		}
		env[k] = v
	}
	out := make([]EnvVar, 0, len(env))
	for k, v := range env {
		out = append(out, EnvVar{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

var goMinor = regexp.MustCompile(`^go(\d+)\.(\d+)`)

// goAttr is the nixpkgs attribute of a toolchain's minor version:
// go1.26.8 → go_1_26.
func goAttr(version string) string {
	m := goMinor.FindStringSubmatch(version)
	if m == nil {
		return "go"
	}
	return "go_" + m[1] + "_" + m[2]
}

func subPackage(pkg, modPath string) string {
	if rel := strings.TrimPrefix(pkg, modPath+"/"); rel != pkg {
		return rel
	}
	return "."
}

// splitLdflags gives buildGoModule's ldflags list, which it joins with
// spaces; flags with quotes stay one element, exactly as written.
func splitLdflags(s string) []string {
	if strings.ContainsAny(s, `'"`) {
		if s = strings.TrimSpace(s); s != "" {
			return []string{s}
		}
		return nil
	}
	return strings.Fields(s)
}

// describe writes flake.nix's description and header comment.
func describe(c *compose.Composition, f *Flake) (string, []string) {
	r := c.Record()
	plugins := fmt.Sprintf("%d plugins", len(r.Plugins))
	if len(r.Plugins) == 1 {
		plugins = "1 plugin"
	}
	desc := fmt.Sprintf("%s: %s with %s, composed by weld", f.Name, r.App.Path, plugins)
	h := []string{
		strings.TrimPrefix(Marker, "# ") + f.Name + ", written by `weld nix`. weld rewrites it from the",
		"manifest, so change the manifest rather than this file. Building needs",
		"Nix only, not weld:",
		fmt.Sprintf("  %-24s %s for this system, in ./result/bin", "nix build", f.Name),
		fmt.Sprintf("  %-24s build and start it", "nix run"),
	}
	for _, s := range f.Targets {
		if len(f.Targets) > 1 {
			h = append(h, fmt.Sprintf("  %-24s %s: native on %s, cross-compiled elsewhere", "nix build .#"+s.PackageName(), s.Target, s.Name))
		}
	}
	h = append(h, "", "The composition:", fmt.Sprintf("  app     %s %s", r.App.Path, r.App.Version))
	for _, p := range r.Plugins {
		line := fmt.Sprintf("  plugin  %s %s", p.Module.Path, p.Module.Version)
		if p.Package != p.Module.Path {
			line += " (package " + p.Package + ")"
		}
		for _, sp := range c.Plugins {
			if sp.Package == p.Package && len(sp.Spec.Targets) > 0 {
				line += " (targets " + strings.Join(sp.Spec.Targets, ", ") + ")"
			}
		}
		h = append(h, line)
	}
	return desc, h
}
