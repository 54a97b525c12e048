package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
)

func newRunCmd() *cobra.Command {
	var cf composeFlags
	ev := eventFlags{toStderr: true}
	var run func(cmd *cobra.Command, steps *progress.Steps, args []string) error
	cmd := &cobra.Command{
		Use:   "run [-f weld.yaml] [-- ARGS...]",
		Short: "Build the composition for this machine and run it",
		Long: `run builds the composition for the host and runs it with ARGS.

Run inside a plugin module's directory with --app, it composes the app with
that directory as a local plugin: the plugin author's edit-and-run loop.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			steps := ev.steps(cmd)
			err := run(cmd, steps, args)
			var ee exitError
			if !errors.As(err, &ee) { // the program's own status is not weld's error
				failed(steps, err)
			}
			return err
		},
	}
	run = func(cmd *cobra.Command, steps *progress.Steps, args []string) error {
		s, err := cf.load()
		if err != nil {
			return err
		}
		if cf.flags.App != "" {
			if err := s.AddWorkingModule(); err != nil {
				return err
			}
		}
		o := cf.options(s, cmd.ErrOrStderr())
		o.Steps = steps
		tmp, err := atomicfile.MkdirTemp(os.TempDir(), "weld-run")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		o.OutDir, o.NoPackages = tmp, true
		arts, err := pipeline.Build(cmd.Context(), o)
		if err != nil {
			return err
		}
		prog := exec.Command(arts[0].Path, args...)
		prog.Stdin, prog.Stdout, prog.Stderr = os.Stdin, cmd.OutOrStdout(), cmd.ErrOrStderr()
		return runProgram(cmd.Context(), prog)
	}
	cf.register(cmd.Flags())
	ev.register(cmd.Flags())
	return cmd
}

// runProgram runs weld run's program and returns its exit status as an
// exitError: its own exit code, or 128+N if signal N ended it. Every stop
// signal weld receives while the program runs is passed on to it, once:
// the program runs in a process group of its own (see startProgram), so a
// signal sent to weld's group, such as Ctrl-C's, reaches it only through
// weld. (At a terminal the program's group is the foreground one, so a
// Ctrl-C there reaches the program directly and weld not at all.) weld
// waits for the program to exit, whatever the signal, so the program is
// never orphaned and its handlers have their say.
func runProgram(ctx context.Context, prog *exec.Cmd) error {
	sigs := make(chan os.Signal, 4)
	release, ok := divert(ctx, sigs)
	if !ok {
		return context.Cause(ctx)
	}
	term, err := startProgram(prog)
	if err != nil {
		// The child may have taken the terminal before exec failed.
		term.restore()
		release()
		return err
	}
	forwarded := make(chan struct{})
	go func() {
		defer close(forwarded)
		for sig := range sigs {
			prog.Process.Signal(sig)
		}
	}()
	err = term.wait(prog)
	release()
	close(sigs)
	<-forwarded
	term.restore()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitError{code: exitStatus(ee)}
	}
	return err
}
