package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/export"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/target"
)

func newVendorCmd() *cobra.Command {
	var cf composeFlags
	var outDir string
	cmd := &cobra.Command{
		Use:   "vendor [-f weld.yaml] [-o DIR]",
		Short: "Write the composition's complete sources, for offline builds",
		Long: `vendor writes the composition's complete sources to DIR (default: vendor-<name>):
the app's main module with the composed go.mod, go.sum and generated file,
and a vendor directory holding every dependency, local plugins included.
weld build --vendor DIR then builds with no network and no module cache.

DIR is replaced whole, so it must be empty, missing, or weld vendor's own
earlier output (it holds a .weld-output file); weld refuses any other
directory, and the project's own directories, and changes nothing then.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := cf.load()
			if err != nil {
				return err
			}
			if outDir == "" {
				outDir = "vendor-" + s.Name
			}
			// Refuse a directory that is not weld vendor's before any work.
			if err := export.VendorOutput(s).Check(outDir); err != nil {
				return fmt.Errorf("vendoring: %w", err)
			}
			o := cf.options(s, cmd.ErrOrStderr())
			sess, err := pipeline.Open(cmd.Context(), o)
			if err != nil {
				return err
			}
			defer sess.Close()
			cgo, err := sess.CgoEnabled(cmd.Context(), target.Host())
			if err != nil {
				return fmt.Errorf("vendoring: %w", err)
			}
			if err := export.Vendor(cmd.Context(), export.VendorOptions{Comp: sess.Comp, Go: sess.GoCommand(), Cgo: cgo, Start: o.Steps.Start}, outDir); err != nil {
				return fmt.Errorf("vendoring: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), outDir)
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVarP(&outDir, "output", "o", "", "directory to write (replaced only if empty or weld vendor's own output)")
	return cmd
}
