//go:build !unix

package cli

import "os/exec"

// terminal is a no-op here: there are no process groups or terminal job
// control to arrange.
type terminal struct{}

func startProgram(prog *exec.Cmd) (*terminal, error) { return &terminal{}, prog.Start() }

func (t *terminal) wait(prog *exec.Cmd) error { return prog.Wait() }

func (t *terminal) restore() {}

func exitStatus(ee *exec.ExitError) int { return ee.ExitCode() }
