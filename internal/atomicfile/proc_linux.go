package atomicfile

import (
	"os"
	"strconv"
	"strings"
)

// processStart is the start time of process pid, in clock ticks since
// boot (field 22 of /proc/PID/stat), or "0" when it cannot be read.
func processStart(pid int) string {
	start, _ := processStarted(pid)
	return start
}

// processStarted returns the start time of pid and whether such a process
// exists (a zombie counts as gone: it has exited).
func processStarted(pid int) (string, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if os.IsNotExist(err) {
		return "", false
	}
	if err != nil {
		return "0", true
	}
	// The command name, in parentheses, may hold spaces and parentheses;
	// the fields after it are plain.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return "0", true
	}
	f := strings.Fields(string(data[i+1:]))
	// f[0] is field 3 (state), so field 22 (starttime) is f[19].
	if len(f) < 20 {
		return "0", true
	}
	if f[0] == "Z" || f[0] == "X" {
		return "", false
	}
	return f[19], true
}
