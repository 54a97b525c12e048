package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/pipeline"
)

func newWhyCmd() *cobra.Command {
	var cf composeFlags
	cmd := &cobra.Command{
		Use:   "why MODULE",
		Short: "Explain which plugins select a module's version",
		Long: `why resolves the composition and explains the version it selects for MODULE:
what the app alone would select, and the requirement chains from the app
and each plugin that lead to the selected version.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := cf.load()
			if err != nil {
				return err
			}
			sess, err := pipeline.Open(cmd.Context(), cf.options(s, cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			defer sess.Close()
			out, err := sess.Why(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), out)
			return nil
		},
	}
	cf.register(cmd.Flags())
	return cmd
}
