package atomicfile

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Temporary files and directories are named .BASE.tmp-PID-START-RANDOM,
// where PID is the writing process and START its start time (see
// processStart). A build killed with SIGKILL cannot remove its temporary
// files; the next write of the same BASE in the same directory removes
// them, knowing from PID and START that their writer is gone. The start
// time guards against a reused pid: a new process with the writer's pid has
// a later start time, so the file is stale, while a concurrent run's live
// temporary file always names a running process and is never touched.

// tempPrefix is the prefix every temporary name for base starts with.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// ownerToken names this process: its pid and start time.
var ownerToken = func() string {
	pid := os.Getpid()
	return strconv.Itoa(pid) + "-" + processStart(pid)
}()

// CreateTemp removes stale temporary files of base in dir, then creates a
// new temporary file there, named for this process, for the caller to
// write and rename to dir/base.
func CreateTemp(dir, base string) (*os.File, error) {
	cleanStaleOnce(dir, base)
	return os.CreateTemp(dir, tempPrefix(base)+ownerToken+"-*")
}

// MkdirTemp is CreateTemp for a directory that replaces dir/base. It is
// created with mode 0700; the caller chmods it before renaming it.
func MkdirTemp(dir, base string) (string, error) {
	cleanStaleOnce(dir, base)
	return os.MkdirTemp(dir, tempPrefix(base)+ownerToken+"-*")
}

// cleaned remembers the directories, and the (dir, base) pairs, this
// process has cleaned: a dead writer's leftovers do not come back, so one
// look per process is enough, and a directory such as /tmp or a cache area
// is not read on every write.
var cleaned sync.Map

func cleanStaleOnce(dir, base string) {
	if _, done := cleaned.LoadOrStore(dir+"\x00"+base, true); !done {
		CleanStale(dir, base)
	}
}

// CleanStale removes, in dir, every temporary file or directory of base
// (.BASE.tmp-PID-START-...) whose writer has exited. It keeps the
// temporary names of running processes and names it cannot parse, such as
// those of older weld versions; a failure to remove one is not an error,
// since it only leaves garbage behind.
func CleanStale(dir, base string) {
	prefix := tempPrefix(base)
	removeStale(dir, func(name string) (int, string, bool) {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			return 0, "", false
		}
		return parseOwner(rest)
	})
}

// CleanStaleIn is CleanStale for the temporary names of every base in dir,
// done once per process: for a directory of many outputs, such as a cache,
// where a killed writer's leftovers must go even if the same name is never
// written again.
func CleanStaleIn(dir string) {
	if _, done := cleaned.LoadOrStore(dir, true); !done {
		removeStale(dir, tempOwner)
	}
}

// removeStale removes the entries of dir that owner reads as temporary
// names of an exited writer.
func removeStale(dir string, owner func(name string) (pid int, start string, ok bool)) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if pid, start, ok := owner(e.Name()); ok && !processAlive(pid, start) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// Temps lists the temporary files and directories of base in dir,
// whoever writes them, for callers that must leave them alone (such as a
// copy of a tree that holds the destination).
func Temps(dir, base string) []string {
	entries, _ := os.ReadDir(dir)
	var temps []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix(base)) {
			temps = append(temps, filepath.Join(dir, e.Name()))
		}
	}
	return temps
}

// TempName is the temporary name that process pid gives base, ending in
// suffix instead of random digits. Tests use it to lay out the leftovers
// of other writers, live or dead.
func TempName(base string, pid int, suffix string) string {
	return tempPrefix(base) + strconv.Itoa(pid) + "-" + processStart(pid) + "-" + suffix
}

// tempOwner reads the writer from a temporary name of any base: the
// first ".tmp-" after a non-empty base that PID-START-... follows.
func tempOwner(name string) (pid int, start string, ok bool) {
	if !strings.HasPrefix(name, ".") {
		return 0, "", false
	}
	const mark = ".tmp-"
	for i := 2; i < len(name); i++ {
		j := strings.Index(name[i:], mark)
		if j < 0 {
			break
		}
		i += j
		if pid, start, ok := parseOwner(name[i+len(mark):]); ok {
			return pid, start, true
		}
	}
	return 0, "", false
}

// parseOwner reads PID-START-... from the tail of a temporary name.
func parseOwner(rest string) (pid int, start string, ok bool) {
	f := strings.SplitN(rest, "-", 3)
	if len(f) < 3 || f[1] == "" {
		return 0, "", false
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return 0, "", false
	}
	for _, c := range f[1] {
		if c < '0' || c > '9' {
			return 0, "", false
		}
	}
	return pid, f[1], true
}

// processAlive reports whether the process that wrote a temporary name,
// pid started at start, still runs. When in doubt it says yes.
func processAlive(pid int, start string) bool {
	if pid == os.Getpid() {
		return start == processStart(pid)
	}
	current, exists := processStarted(pid)
	if !exists {
		return false
	}
	// A start time of 0 means the writer's system could not tell it;
	// then a live pid is taken to be the writer.
	return start == "0" || current == "0" || current == start
}
