//go:build unix && !linux

package cli

import "os/exec"

// wait waits for the program to exit.
func (t *terminal) wait(prog *exec.Cmd) error { return prog.Wait() }
