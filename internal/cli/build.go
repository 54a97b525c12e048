package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

func newBuildCmd() *cobra.Command {
	var cf composeFlags
	var ev eventFlags
	var run func(cmd *cobra.Command, steps *progress.Steps) error
	var outDir, vendorDir string
	var noCache bool
	var sbom, signKeyFile string
	var authenticode authenticodeFlags
	var targets []string
	cmd := &cobra.Command{
		Use:   "build [-f weld.yaml] [-o DIR] [--target OS/ARCH]...",
		Short: "Build the app with its plugins compiled in",
		Long: `build resolves the composition described by weld.yaml (or by --app and --with)
and writes DIR/<name>_<goos>_<goarch>/<name> for each target, printing each
artifact's path.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			steps := ev.steps(cmd)
			return failed(steps, run(cmd, steps))
		},
	}
	run = func(cmd *cobra.Command, steps *progress.Steps) error {
		var o pipeline.Options
		if vendorDir != "" {
			// A vendored composition is self-contained: no manifest.
			if err := checkEnvironment("vendor"); err != nil {
				return err
			}
			o = cf.options(nil, cmd.ErrOrStderr())
		} else {
			s, err := cf.load()
			if err != nil {
				return err
			}
			o = cf.options(s, cmd.ErrOrStderr())
		}
		o.Steps = steps
		o.OutDir, o.NoCache = outDir, noCache
		if err := setSBOM(o.Spec, sbom); err != nil {
			return err
		}
		var err error
		if o.SignKey, err = loadSignKey(signKeyFile, o.Spec); err != nil {
			return err
		}
		if o.Authenticode, err = authenticode.load(o.Spec); err != nil {
			return err
		}
		if vendorDir != "" && (o.SignKey != nil || o.Authenticode != nil) {
			return errors.New("--vendor builds the binaries alone, without packages, SBOMs or signatures; build from the manifest to sign, or leave out the signing key ($" + signKeyEnv + " too) and certificate")
		}
		if len(targets) > 0 {
			if o.Targets, err = parseTargets(targets, o.Spec); err != nil {
				return err
			}
		}
		var arts []pipeline.Artifact
		if vendorDir != "" {
			arts, err = buildVendored(cmd, o, vendorDir)
		} else {
			arts, err = pipeline.Build(cmd.Context(), o)
		}
		if err != nil {
			return err
		}
		reportArtifacts(o.Steps, arts)
		return nil
	}
	cf.register(cmd.Flags())
	ev.register(cmd.Flags())
	cmd.Flags().StringVarP(&outDir, "output", "o", "dist", "output directory")
	cmd.Flags().StringArrayVar(&targets, "target", nil, "target OS/ARCH[/VARIANT], or all for the manifest's targets (repeatable; default: the host)")
	cmd.Flags().StringVar(&vendorDir, "vendor", "", "build the directory written by weld vendor, offline")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "compile even if the output is in weld's cache")
	registerSignKey(cmd.Flags(), &signKeyFile)
	authenticode.register(cmd.Flags())
	cmd.Flags().StringVar(&sbom, "sbom", "", "SBOM formats beside each artifact: spdx, cyclonedx, both (spdx,cyclonedx) or none (default: the manifest's outputs.sbom, else spdx)")
	return cmd
}

// parseTargets reads --target values; "all" stands for the manifest's
// targets.
func parseTargets(names []string, s *spec.Spec) ([]target.Target, error) {
	sel := target.Selection{Requested: names}
	if s != nil {
		sel.Manifest = s.TargetNames()
	}
	return target.Select(sel)
}

// buildVendored builds a directory written by weld vendor: the compile
// stage alone, since the directory holds the whole composition.
func buildVendored(cmd *cobra.Command, o pipeline.Options, dir string) ([]pipeline.Artifact, error) {
	outDir := o.OutDir
	if outDir == "" {
		outDir = "dist"
	}
	bins, err := build.Vendored{Go: o.Go, Steps: o.Steps, Dir: dir, OutDir: outDir, Targets: o.Targets}.Build(cmd.Context())
	if err != nil {
		return nil, err
	}
	arts := make([]pipeline.Artifact, len(bins))
	for i, b := range bins {
		arts[i].Binary = b
	}
	return arts, nil
}

// setSBOM applies --sbom to the spec: a comma-separated list of formats,
// or none.
func setSBOM(s *spec.Spec, flag string) error {
	if flag == "" || s == nil {
		return nil
	}
	formats := []string{}
	if flag != "none" {
		formats = strings.Split(flag, ",")
	}
	if _, err := spec.CheckSBOM(formats); err != nil {
		return fmt.Errorf("--sbom: %w", err)
	}
	s.Outputs.SBOM = formats
	return nil
}
