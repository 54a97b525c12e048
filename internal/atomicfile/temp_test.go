//go:build unix

package atomicfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestParseOwner(t *testing.T) {
	tests := []struct {
		rest  string
		pid   int
		start string
		ok    bool
	}{
		{"4242-987654-123456", 4242, "987654", true},
		{"4242-0-1", 4242, "0", true},
		{"4242-987654-123.old", 4242, "987654", true},
		{"123456789", 0, "", false},    // os.CreateTemp's own suffix (older weld)
		{"4242-987654", 0, "", false},  // no random part
		{"x42-987654-1", 0, "", false}, // pid not a number
		{"0-987654-1", 0, "", false},   // no such pid
		{"-5-987654-1", 0, "", false},  // negative pid
		{"4242-98x-1", 0, "", false},   // start not a number
		{"4242--1", 0, "", false},      // empty start
		{"", 0, "", false},
	}
	for _, tt := range tests {
		pid, start, ok := parseOwner(tt.rest)
		if pid != tt.pid || start != tt.start || ok != tt.ok {
			t.Errorf("parseOwner(%q) = %d, %q, %v; want %d, %q, %v", tt.rest, pid, start, ok, tt.pid, tt.start, tt.ok)
		}
	}
}

// exitedPid runs a process to completion and returns its pid, which then
// names no process (unless the pid is reused, in which case its start time
// differs).
func exitedPid(t *testing.T) (int, string) {
	t.Helper()
	// The process must still run while its start time is read (a "true"
	// may have exited by then), so it sleeps until it is killed.
	cmd := exec.Command("sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	start := processStart(pid)
	cmd.Process.Kill()
	cmd.Wait()
	if start == "" {
		t.Fatalf("no start time for the running process %d", pid)
	}
	return pid, start
}

// runningPid starts a process that lives until the test ends.
func runningPid(t *testing.T) (int, string) {
	t.Helper()
	cmd := exec.Command("sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid, processStart(cmd.Process.Pid)
}

func TestCleanStale(t *testing.T) {
	dir := t.TempDir()
	deadPid, deadStart := exitedPid(t)
	livePid, liveStart := runningPid(t)
	if deadStart == "" || liveStart == "" {
		t.Fatalf("no start times: %q %q", deadStart, liveStart)
	}
	name := func(pid int, start, rand string) string {
		return ".app.tmp-" + strconv.Itoa(pid) + "-" + start + "-" + rand
	}
	stale := []string{
		name(deadPid, deadStart, "1"),
		name(deadPid, deadStart, "2.old"),
	}
	if processStart(livePid) != "0" {
		// A live pid with another start time is a reused pid: its
		// writer is gone.
		stale = append(stale, name(livePid, "1", "3"))
	}
	kept := []string{
		"app",
		name(livePid, liveStart, "4"), // a concurrent run's live file
		name(os.Getpid(), processStart(os.Getpid()), "5"),                              // this process's own
		".app.tmp-123456789",                                                           // unparseable: an older weld's
		".other.tmp-" + strings.TrimPrefix(name(deadPid, deadStart, "6"), ".app.tmp-"), // another output
	}
	for _, n := range append(append([]string(nil), stale...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A stale temporary directory goes too, with what it holds.
	staleDir := filepath.Join(dir, name(deadPid, deadStart, "7"))
	if err := os.MkdirAll(filepath.Join(staleDir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	CleanStale(dir, "app")
	want := append([]string(nil), kept...)
	got := entries(t, dir)
	wantSorted := entriesOf(want)
	if !reflect.DeepEqual(got, wantSorted) {
		t.Errorf("after CleanStale the directory holds\n%q\nwant\n%q", got, wantSorted)
	}
}

func entriesOf(names []string) []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	return out
}

func TestCreateTempNamesThisProcess(t *testing.T) {
	dir := t.TempDir()
	deadPid, deadStart := exitedPid(t)
	stale := ".app.tmp-" + strconv.Itoa(deadPid) + "-" + deadStart + "-9"
	if err := os.WriteFile(filepath.Join(dir, stale), []byte("left by a killed build"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := CreateTemp(dir, "app")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	d, err := MkdirTemp(dir, "app")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f.Name(), d} {
		rest, ok := strings.CutPrefix(filepath.Base(p), ".app.tmp-")
		pid, start, ok2 := parseOwner(rest)
		if !ok || !ok2 || pid != os.Getpid() || start != processStart(os.Getpid()) {
			t.Errorf("temporary name %s does not name this process (pid %d)", filepath.Base(p), os.Getpid())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, stale)); !os.IsNotExist(err) {
		t.Errorf("CreateTemp left the stale %s (stat: %v)", stale, err)
	}
	// This process's own temporary files survive the next write.
	if err := WriteFile(filepath.Join(dir, "app"), []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := entries(t, dir), entriesOf([]string{"app", filepath.Base(f.Name()), filepath.Base(d)}); !reflect.DeepEqual(got, want) {
		t.Errorf("directory holds %q, want %q", got, want)
	}
}

func TestTempOwner(t *testing.T) {
	tests := []struct {
		name  string
		pid   int
		start string
		ok    bool
	}{
		{".app.tmp-4242-987654-123", 4242, "987654", true},
		{".app.tmp-4242-987654-123.old", 4242, "987654", true},
		{".a.tar.gz.tmp-7-0-1", 7, "0", true},
		{".x.tmp-y.tmp-7-11-1", 7, "11", true}, // a base holding ".tmp-"
		{".0123abcd.tmp-4242-987654-1", 4242, "987654", true},
		{"app.tmp-4242-987654-123", 0, "", false}, // not hidden: not weld's
		{"..tmp-4242-987654-123", 0, "", false},   // no base
		{".app.tmp-123456789", 0, "", false},      // an older weld's
		{".app.old-4242-987654-1", 0, "", false},
		{".tmp-4242-987654-1", 0, "", false},
		{"", 0, "", false},
	}
	for _, tt := range tests {
		pid, start, ok := tempOwner(tt.name)
		if pid != tt.pid || start != tt.start || ok != tt.ok {
			t.Errorf("tempOwner(%q) = %d, %q, %v; want %d, %q, %v", tt.name, pid, start, ok, tt.pid, tt.start, tt.ok)
		}
	}
}

// CleanStaleIn removes the stale temporary names of every base, and only
// those.
func TestCleanStaleIn(t *testing.T) {
	dir := t.TempDir()
	deadPid, deadStart := exitedPid(t)
	livePid, liveStart := runningPid(t)
	owned := func(base string, pid int, start, rand string) string {
		return "." + base + ".tmp-" + strconv.Itoa(pid) + "-" + start + "-" + rand
	}
	stale := []string{
		owned("0123abcd", deadPid, deadStart, "1"),
		owned("app.tar.gz", deadPid, deadStart, "2.old"),
	}
	kept := []string{
		"0123abcd",
		owned("4567ef", livePid, liveStart, "3"),
		owned("mine", os.Getpid(), processStart(os.Getpid()), "4"),
		".app.tmp-123456789",
		"notes.tmp-" + strconv.Itoa(deadPid) + "-" + deadStart + "-5",
	}
	for _, n := range append(append([]string(nil), stale...), kept...) {
		if err := os.MkdirAll(filepath.Join(dir, n, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	CleanStaleIn(dir)
	if got, want := entries(t, dir), entriesOf(kept); !reflect.DeepEqual(got, want) {
		t.Errorf("after CleanStaleIn the directory holds\n%q\nwant\n%q", got, want)
	}
}

func TestTempNameAndTemps(t *testing.T) {
	dir := t.TempDir()
	livePid, _ := runningPid(t)
	mine, err := MkdirTemp(dir, "out")
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, TempName("out", livePid, "1"))
	for _, p := range []string{other, filepath.Join(dir, "out"), filepath.Join(dir, TempName("outer", livePid, "2"))} {
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got := Temps(dir, "out")
	sort.Strings(got)
	if want := entriesOf([]string{mine, other}); !reflect.DeepEqual(got, want) {
		t.Errorf("Temps = %q, want %q", got, want)
	}
	if pid, _, ok := tempOwner(filepath.Base(other)); !ok || pid != livePid {
		t.Errorf("TempName %s does not name pid %d", filepath.Base(other), livePid)
	}
	CleanStale(dir, "out")
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a live writer's TempName was taken for stale: %v", err)
	}
}
