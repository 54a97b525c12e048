package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/builder"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

func newBuildCmd() *cobra.Command {
	var cf composeFlags
	var outDir, vendorDir string
	var noCache bool
	var targets []string
	cmd := &cobra.Command{
		Use:   "build [-f weld.yaml] [-o DIR] [--target OS/ARCH]...",
		Short: "Build the app with its plugins compiled in",
		Long: `build resolves the composition described by weld.yaml (or by --app and --with)
and writes DIR/<name>_<goos>_<goarch>/<name> for each target, printing each
artifact's path.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var o builder.Options
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
			o.OutDir, o.NoCache = outDir, noCache
			if len(targets) > 0 {
				var err error
				if o.Targets, err = parseTargets(targets, o.Spec); err != nil {
					return err
				}
			}
			var arts []builder.Artifact
			var err error
			if vendorDir != "" {
				arts, err = builder.BuildVendored(cmd.Context(), o, vendorDir)
			} else {
				arts, err = buildAll(cmd, o)
			}
			if err != nil {
				return err
			}
			for _, a := range arts {
				fmt.Fprintln(cmd.OutOrStdout(), a.Path)
				for _, p := range a.Packages {
					fmt.Fprintln(cmd.OutOrStdout(), p)
				}
			}
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVarP(&outDir, "output", "o", "dist", "output directory")
	cmd.Flags().StringArrayVar(&targets, "target", nil, "target OS/ARCH[/VARIANT], or all for the manifest's targets (repeatable; default: the host)")
	cmd.Flags().StringVar(&vendorDir, "vendor", "", "build the directory written by weld vendor, offline")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "compile even if the output is in weld's cache")
	return cmd
}

// parseTargets reads --target values; "all" stands for the manifest's
// targets.
func parseTargets(names []string, s *spec.Spec) ([]gobuild.Target, error) {
	sel := target.Selection{Requested: names}
	if s != nil {
		sel.Manifest = s.TargetNames()
	}
	return target.Select(sel)
}

// buildAll builds every target of o.
func buildAll(cmd *cobra.Command, o builder.Options) ([]builder.Artifact, error) {
	return builder.Build(cmd.Context(), o)
}
