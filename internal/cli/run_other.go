//go:build !unix

package cli

import "os/exec"

// startProgram starts weld run's program; there are no process groups or
// terminal job control to arrange here.
func startProgram(prog *exec.Cmd) (restore func(), err error) {
	return func() {}, prog.Start()
}

func exitStatus(ee *exec.ExitError) int { return ee.ExitCode() }
