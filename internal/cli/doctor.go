package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/doctor"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/pipeline"
)

func newDoctorCmd() *cobra.Command {
	var cf composeFlags
	var targets []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor [-f weld.yaml] [--target OS/ARCH|all]...",
		Short: "Check that this machine has what the manifest's targets and outputs need",
		Long: `doctor resolves the composition (without writing weld.lock) and checks
everything a build of the manifest's targets (or --target) needs: the Go
toolchain and the one weld.lock pins, the C compiler of each target that
uses cgo, pkg-config and each C library, the Debian archive the sysroots
come from, qemu-user and wine to run cross-built binaries here, and
registry credentials for pushing images.

It prints one line per check, with the Debian package to install for what
is missing, and exits 1 when something a build needs is missing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := cf.load()
			if err != nil {
				return err
			}
			o := cf.options(s, cmd.ErrOrStderr())
			o.ReadOnlyLock = true
			if len(targets) == 0 && len(s.TargetNames()) > 0 {
				targets = []string{"all"}
			}
			if len(targets) > 0 {
				if o.Targets, err = parseTargets(targets, s); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			do := doctor.Options{Spec: s, Targets: o.Targets, Credentials: hasCredentials}
			if do.GoVersion, err = o.Go.Version(ctx); err != nil {
				return fmt.Errorf("weld doctor: the go command: %w", err)
			}
			do.GoToolchain, _ = o.Go.GoEnv(ctx, "GOTOOLCHAIN")
			if s.File != "" {
				if l, err := lock.Read(filepath.Join(s.Dir, lock.FileName)); err == nil && l != nil {
					do.LockedGo = l.Go
				}
			}
			sess, err := pipeline.Open(ctx, o)
			if err != nil {
				do.OpenErr = err
			} else {
				defer sess.Close()
				do.Session = sess
			}
			checks := doctor.Run(ctx, do)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(checks); err != nil {
					return err
				}
			} else {
				printDoctorChecks(cmd.OutOrStdout(), checks)
			}
			if doctor.Failed(checks) {
				return fmt.Errorf("weld doctor: %s; a build needs what is missing", doctor.Summary(checks))
			}
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringArrayVar(&targets, "target", nil, "target OS/ARCH[/VARIANT], or all (default: the manifest's targets, else this machine's)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checks as JSON")
	return cmd
}

func printDoctorChecks(w io.Writer, checks []doctor.Check) {
	for _, c := range checks {
		line := fmt.Sprintf("%-7s %s: %s", c.Status, c.What, c.Detail)
		if c.Fix != "" {
			line += "; fix: " + c.Fix
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w, doctor.Summary(checks))
}

// hasCredentials says whether the Docker config or a credential helper
// has credentials for a registry.
func hasCredentials(registry string) bool {
	res, err := authn.DefaultKeychain.Resolve(registryResource(registry))
	return err == nil && res != authn.Anonymous
}

type registryResource string

func (r registryResource) String() string      { return string(r) }
func (r registryResource) RegistryStr() string { return string(r) }
