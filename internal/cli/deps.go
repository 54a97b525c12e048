package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/cdeps"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/toolchain"
)

func newDepsCmd() *cobra.Command {
	var cf composeFlags
	var targetName string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "deps [-f weld.yaml] [--target OS/ARCH]",
		Short: "Show which plugins use cgo and the C libraries they need",
		Long: `deps resolves the composition and prints, for the app and each plugin,
whether it uses cgo and which C libraries it needs (from #cgo pkg-config
and LDFLAGS lines), and whether pkg-config finds each one for the target,
with its version and flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := cf.load()
			if err != nil {
				return err
			}
			t := target.Host()
			if targetName != "" {
				if t, err = target.Parse(targetName); err != nil {
					return err
				}
			}
			sess, err := pipeline.Open(cmd.Context(), cf.options(s, cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			defer sess.Close()
			r := sess.CDeps(cmd.Context(), t)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			printCDeps(cmd.OutOrStdout(), r)
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVar(&targetName, "target", "", "target OS/ARCH[/VARIANT] (default: the host)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printCDeps(w io.Writer, r *toolchain.CReport) {
	fmt.Fprintf(w, "target %s: cgo %s (%s)\n", r.Target, onOff(r.Enabled), r.Reason)
	if r.Enabled && r.Compiler != "" {
		status := "found"
		if r.CompilerProblem != "" {
			status = r.CompilerProblem
		}
		fmt.Fprintf(w, "C compiler %s: %s\n", r.Compiler, status)
	}
	for _, n := range r.Needs {
		if !n.UsesCgo() {
			fmt.Fprintf(w, "%s %s: pure Go\n", n.Owner.Kind, n.Owner.Module)
			continue
		}
		fmt.Fprintf(w, "%s %s: cgo in %s\n", n.Owner.Kind, n.Owner.Module, strings.Join(n.Packages, ", "))
		for _, name := range n.PkgConfig {
			lib, ok := r.Libraries[name]
			switch {
			case !ok:
				fmt.Fprintf(w, "    %s (pkg-config): not checked, cgo is off\n", name)
			case lib.Found:
				fmt.Fprintf(w, "    %s (pkg-config): found %s\n        cflags: %s\n        libs: %s\n", name, lib.Version, lib.Cflags, lib.Libs)
			default:
				fmt.Fprintf(w, "    %s (pkg-config): %s%s\n", name, lib.Problem, cdeps.DebianHint(name))
			}
		}
		for _, l := range n.Libs {
			fmt.Fprintf(w, "    %s (linker flag -l%s)\n", l, l)
		}
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
