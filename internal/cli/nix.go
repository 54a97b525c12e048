package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/nix"
	"github.com/weldgo/weld/internal/pipeline"
)

func newNixCmd() *cobra.Command {
	var cf composeFlags
	var outDir, vendorDir, nixpkgs string
	var systems, attrs []string
	cmd := &cobra.Command{
		Use:   "nix [-f weld.yaml] [-o DIR] [--system SYSTEM]... [--nix-attr NAME=ATTR]...",
		Short: "Write the composition as a Nix flake, vendorHash included",
		Long: `nix writes DIR (default: flake-<name>), a self-contained flake that builds the
composition with nixpkgs' buildGoModule and no weld: flake.nix, the composed
main module in DIR/main and every module taken from a directory in
DIR/local. weld computes vendorHash itself, the NAR hash of the vendor
directory that buildGoModule's go-modules derivation produces.

The flake has packages.SYSTEM.default and apps.SYSTEM.default for each
--system (a Nix system such as aarch64-linux, or a weld target such as
linux/arm64; default: the manifest's Linux targets and this machine's
system), and in each of them one package per system named after its
target (linux-arm64), cross-compiled with pkgsCross.

C libraries that plugins ask for are mapped to nixpkgs attributes through a
table (see docs/nix.md); the manifest's nix.attrs and --nix-attr NAME=ATTR
add to it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := cf.load()
			if err != nil {
				return err
			}
			// The manifest's nix.attrs come first, so that a flag can
			// override one of them.
			a, err := nix.ParseAttrs(append(append([]string(nil), s.Nix.Attrs...), attrs...))
			if err != nil {
				if len(s.Nix.Attrs) > 0 {
					return fmt.Errorf("%s: nix.attrs or --nix-attr: %w", s.Nix.Pos, err)
				}
				return err
			}
			if len(systems) == 0 {
				systems = nix.DefaultSystems(s.TargetNames())
			}
			sys, skipped, err := nix.ResolveSystems(systems)
			if err != nil {
				return err
			}
			if outDir == "" {
				outDir = "flake-" + s.Name
			}
			// Refuse a directory that is not weld nix's before any work.
			if err := nix.FlakeOutput(s).Check(outDir); err != nil {
				return fmt.Errorf("nix: %w", err)
			}
			if vendorDir != "" {
				if err := nix.VendorDirOutput(s).Check(vendorDir); err != nil {
					return fmt.Errorf("nix: %w", err)
				}
			}
			o := cf.options(s, cmd.ErrOrStderr())
			for _, t := range skipped {
				o.Steps.Note(fmt.Sprintf("target %s is left out of the flake, which builds Linux systems only", t))
			}
			sess, err := pipeline.Open(cmd.Context(), o)
			if err != nil {
				return err
			}
			defer sess.Close()
			_, err = nix.Export(cmd.Context(), nix.Options{
				Comp: sess.Comp, Go: sess.GoCommand(), GoVersion: sess.Lock.Go, Out: outDir, VendorDir: vendorDir,
				Nixpkgs: nixpkgs, Systems: sys, Attrs: a, Start: o.Steps.Start, Warn: o.Steps.Warn,
			})
			if err != nil {
				return fmt.Errorf("nix: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), outDir)
			return nil
		},
	}
	cf.register(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVarP(&outDir, "output", "o", "", "flake directory to write (replaced only if empty or weld nix's own output)")
	fs.StringVar(&nixpkgs, "nixpkgs", nix.DefaultNixpkgs, "the flake's nixpkgs input, any flake reference")
	fs.StringArrayVar(&systems, "system", nil, "Linux system to build for, Nix system or weld target (repeatable; default: the manifest's Linux targets and this machine's)")
	fs.StringArrayVar(&attrs, "nix-attr", nil, "map C library NAME (pkg-config or -l name) to nixpkgs attribute ATTR, empty for none (repeatable)")
	fs.StringVar(&vendorDir, "vendor-dir", "", "also write the vendor directory whose NAR hash is vendorHash here (replaced only if empty or written there by weld nix)")
	cmd.AddCommand(newNixHashCmd())
	return cmd
}

func newNixHashCmd() *cobra.Command {
	var base32 bool
	cmd := &cobra.Command{
		Use:   "hash [--base32] PATH",
		Short: "Print the NAR hash of a file or directory, as Nix computes it",
		Long: `hash prints the SHA-256 of PATH's NAR serialisation in SRI form, as
nix hash path does, or with --base32 as nix-hash --type sha256 --base32 does.
No Nix installation is needed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sum, err := nix.HashPath(args[0])
			if err != nil {
				return fmt.Errorf("nix hash: %w", err)
			}
			if base32 {
				fmt.Fprintln(cmd.OutOrStdout(), nix.Base32(sum[:]))
			} else {
				fmt.Fprintln(cmd.OutOrStdout(), nix.SRI(sum))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&base32, "base32", false, "print Nix base32 instead of SRI")
	return cmd
}
