package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/verify"
)

func newVerifyCmd() *cobra.Command {
	var file, provenance string
	var rebuild bool
	var sig signatureCheck
	var ev eventFlags
	var run func(cmd *cobra.Command, steps *progress.Steps, args []string) error
	cmd := &cobra.Command{
		Use:   "verify ARTIFACT... [-f weld.yaml] [--provenance FILE] [--rebuild]",
		Short: "Check artifacts against weld.lock and the build's provenance",
		Long: `verify checks that each artifact (a binary of any target; the program in
a tar.gz, a zip or a .deb; or the program in every platform image of an OCI
layout directory, a docker tarball or a registry reference) is the
composition weld.lock describes: the Go toolchain, every module's version
and h1: hash, each local module's content hash, the app and its plugins and
the manifest's build tags, read from the program's build info and
composition records. It also checks the artifact's sha256 against the
build's provenance (NAME.intoto.json beside it, one directory up or in
dist, or --provenance), and that the provenance was made from this weld.lock.

With --rebuild it also builds the artifact's target again from weld.lock,
locked and without weld's cache, in a temporary directory, and compares
the artifact with the rebuild byte for byte.

It prints one line per artifact that matches, and every difference of one
that does not; the exit status is 1 when any artifact differs.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			steps := ev.steps(cmd)
			return failed(steps, run(cmd, steps, args))
		},
	}
	run = func(cmd *cobra.Command, steps *progress.Steps, args []string) error {
		if err := sig.load(len(args)); err != nil {
			return err
		}
		if file == "" {
			file = "weld.yaml"
		}
		sp, err := spec.Load(file)
		if err != nil {
			return err
		}
		// Beside the manifest, named as the user named the manifest.
		lockFile := filepath.Join(filepath.Dir(file), lock.FileName)
		l, err := lock.Read(lockFile)
		if err != nil {
			return err
		}
		if l == nil {
			return fmt.Errorf("there is no %s to verify against; run weld lock", lockFile)
		}
		bad := 0
		for _, a := range args {
			signed, err := sig.check(a)
			if err != nil {
				steps.Verified(progress.VerifyInfo{Artifact: a, Differences: []string{err.Error()}})
				continue
			}
			o := verify.Options{Spec: sp, Lock: l, LockFile: lockFile, Provenance: provenance}
			if rebuild {
				o.Rebuild = func(artifact, program string) ([]string, error) {
					return rebuildCheck(cmd.Context(), artifact, program, sp, steps, cmd.ErrOrStderr())
				}
			}
			r, err := verify.Artifact(a, o)
			if err != nil {
				return fmt.Errorf("verifying %s: %w", a, err)
			}
			steps.Verified(progress.VerifyInfo{Artifact: a, OK: r.OK(), Checked: append(signed, r.Checked...), Differences: r.Differences})
			if !r.OK() {
				bad++
			}
		}
		if sig.failed > 0 {
			return sig.failure(bad)
		}
		if bad > 0 {
			return errors.New(plural(bad, "artifact differs", "artifacts differ") + " from weld.lock or the provenance")
		}
		return nil
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "manifest whose weld.lock to verify against (default weld.yaml)")
	ev.register(cmd.Flags())
	cmd.Flags().BoolVar(&rebuild, "rebuild", false, "also rebuild each artifact from weld.lock and compare the bytes")
	sig.register(cmd.Flags())
	cmd.Flags().StringVar(&provenance, "provenance", "", "the build's provenance (default: NAME.intoto.json beside the artifact)")
	return cmd
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
