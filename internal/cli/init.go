package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/scaffold"
)

func newInitCmd() *cobra.Command {
	var req scaffold.Request
	var file string
	cmd := &cobra.Command{
		Use:   "init [--app MODULE[@VERSION]|MODULE=PATH] [--with MODULE[@VERSION]|MODULE=PATH]... [-f weld.yaml]",
		Short: "Write a first, commented weld.yaml",
		Long: `init writes a commented weld.yaml for the app, and never overwrites one.

In an app's module (one with a main package at its root or under cmd/),
it names that module as the app, from this directory. In a plugin's
module (no main package), it writes the plugin author's manifest: the app
the plugin requires (one weld has an adapter for, or the one --app names),
with this directory as its plugin. With --app, the app is looked up
through GOPROXY: weld finds its main package, or the adapter that wires
it (the app's own weld.adapter.yaml, or one weld embeds). Each --with adds
a plugin.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkEnvironment("readonly"); err != nil {
				return err
			}
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			req.Dir, req.Go = wd, goCommand(false, cmd.ErrOrStderr())
			if file == "" {
				file = "weld.yaml"
			}
			if _, err := os.Lstat(file); err == nil {
				return fmt.Errorf("%s already exists; weld init does not overwrite a manifest (edit it, or remove it first)", file)
			}
			plan, err := scaffold.Make(cmd.Context(), req)
			if err != nil {
				return fmt.Errorf("weld init: %w", err)
			}
			abs, err := filepath.Abs(file)
			if err != nil {
				return err
			}
			data, err := plan.Render(file, filepath.Dir(abs))
			if err != nil {
				return err
			}
			if err := scaffold.WriteNew(file, data); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s\n", file, plan.Found)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "manifest to write (default weld.yaml)")
	cmd.Flags().StringVar(&req.App, "app", "", "the app, as MODULE[@VERSION] or MODULE=PATH (default: the module here, or the app a plugin here requires)")
	cmd.Flags().StringVar(&req.Package, "package", "", "the app's main package, when weld cannot tell")
	cmd.Flags().StringArrayVar(&req.With, "with", nil, "a plugin, as MODULE[@VERSION] or MODULE=PATH (repeatable)")
	cmd.Flags().StringVar(&req.Name, "name", "", "the binary's name (default: the main package's last element)")
	return cmd
}
