// Package cli wires weld's commands. It parses flags, calls the stages
// (through pipeline for the commands that build) and prints results; the
// work is done in the stage packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/outcache"
)

// exitError carries a specific exit code, such as that of a program run by
// weld run.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Main runs weld with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := watchSignals(context.Background())
	defer stop()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	// The command returns only after its deferred cleanup ran, so an
	// interrupted one has removed its temporary files by now.
	err := root.ExecuteContext(ctx)
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if sig, ok := interruptedBy(ctx); ok {
		fmt.Fprintf(stderr, "weld: %v; removed temporary files\n", sig)
		return sig.exitCode()
	}
	if err == nil {
		// The cache's size limit, at most daily, after a command that
		// may have filled it.
		if perr := outcache.AutoPrune(func(msg string) { fmt.Fprintln(stderr, msg) }); perr != nil {
			fmt.Fprintf(stderr, "weld: warning: %v\n", perr)
		}
		return 0
	}
	fmt.Fprintf(stderr, "weld: %v\n", err)
	return 1
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "weld",
		Short: "Compose a Go application and its plugins into one binary",
		Long: `weld compiles a Go application together with plugins that are separate Go
modules, from a weld.yaml manifest or from flags, and builds the result for
the targets you ship to.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newInitCmd(),
		newBuildCmd(),
		newImageCmd(),
		newRunCmd(),
		newInspectCmd(),
		newWhyCmd(),
		newCheckCmd(),
		newDepsCmd(),
		newLockCmd(),
		newUpdateCmd(),
		newVendorCmd(),
		newNixCmd(),
		newVerifyCmd(),
		newDoctorCmd(),
		newCacheCmd(),
		newCacheprogCmd(),
		newServeCmd(),
		newKeygenCmd(),
		newVersionCmd(),
	)
	return root
}

// goCommand returns the go command the stages run, for a command's
// flags: the real one, with the process's environment. The CLI's unit
// tests put a fake here.
var goCommand = func(verbose bool, stderr io.Writer) gobuild.GoCommand {
	r := &gobuild.Runner{Env: os.Environ()}
	if verbose {
		r.Verbose = stderr
	}
	return r
}

// checkEnvironment refuses settings of the user's environment that would
// make go build compile something other than what weld.lock describes. It
// runs before anything is resolved or written. weldMod is the -mod mode
// the command uses itself, which GOFLAGS may repeat.
func checkEnvironment(weldMod string) error {
	return (&gobuild.Runner{Env: os.Environ()}).CheckUserGOFLAGS(weldMod)
}
