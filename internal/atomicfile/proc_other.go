//go:build !unix

package atomicfile

// processStart returns "0": no start time is known here.
func processStart(int) string { return "0" }

// processStarted cannot tell whether a process exists here, so it says
// yes: stale temporary files are then left in place, never a live one
// removed.
func processStarted(int) (string, bool) { return "0", true }
