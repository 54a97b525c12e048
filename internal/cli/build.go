package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/builder"
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
				o.Targets = nil
				for _, t := range targets {
					tg, err := builder.ParseTarget(t)
					if err != nil {
						return err
					}
					o.Targets = append(o.Targets, tg)
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
			}
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVarP(&outDir, "output", "o", "dist", "output directory")
	cmd.Flags().StringArrayVar(&targets, "target", nil, "target OS/ARCH[/VARIANT] (repeatable; default: the host)")
	cmd.Flags().StringVar(&vendorDir, "vendor", "", "build the directory written by weld vendor, offline")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "compile even if the output is in weld's cache")
	return cmd
}

// buildAll builds every target of o.
func buildAll(cmd *cobra.Command, o builder.Options) ([]builder.Artifact, error) {
	return builder.Build(cmd.Context(), o)
}
