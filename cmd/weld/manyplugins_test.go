package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/bench/manyplugins"
	"github.com/weldgo/weld/internal/cli"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/testproxy"
)

// maxGoCommandLine is the longest go command line (directory, environment
// and arguments as weld -v prints them) that a build may run, whatever the
// number of plugins: one batch of module queries and room for the rest.
// It is under the 32,767 characters Windows allows, and a list with one
// argument per plugin of the compositions below is longer.
const maxGoCommandLine = gobuild.MaxListBytes + 4<<10

// TestThousandPlugins composes an app with 1,000 local plugins, each
// registering itself from init. The build must succeed with no go command
// line that grows with the plugin count, the binary must run every
// plugin's init, and weld inspect must find all of them in its record.
func TestThousandPlugins(t *testing.T) {
	requireTool(t, "go")
	const n = 1000
	dir := t.TempDir()
	manifest, err := manyplugins.Write(dir, n)
	if err != nil {
		t.Fatal(err)
	}
	// Every module is local: nothing may be fetched.
	t.Setenv("GOPROXY", "off")
	buildManyPlugins(t, manifest, n)
}

// TestManyVersionedPlugins composes 800 plugins that come from a module
// proxy: their module@version queries (30 KB) need more than one command
// line's worth of go mod download.
func TestManyVersionedPlugins(t *testing.T) {
	requireTool(t, "go")
	const n = 800
	dir, src := t.TempDir(), t.TempDir()
	manifest, err := manyplugins.WriteVersioned(dir, src, n)
	if err != nil {
		t.Fatal(err)
	}
	proxy := filepath.Join(t.TempDir(), "proxy")
	if err := testproxy.Build(src, proxy); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOPROXY", testproxy.URL(proxy))
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOMODCACHE", filepath.Join(dir, ".modcache"))
	buildManyPlugins(t, manifest, n)
}

// buildManyPlugins builds a manyplugins composition of n plugins and
// checks the go command lines, the binary's output and weld inspect.
func buildManyPlugins(t *testing.T, manifest string, n int) {
	start := time.Now()
	dir := filepath.Dir(manifest)
	t.Setenv("GOFLAGS", "-modcacherw")
	t.Setenv("GOWORK", "off")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("WELD_CACHE", filepath.Join(dir, ".weldcache"))

	var stdout, stderr bytes.Buffer
	if code := cli.Main([]string{"build", "-v", "-f", manifest, "-o", filepath.Join(dir, "dist")}, &stdout, &stderr); code != 0 {
		t.Fatalf("weld build of %d plugins: exit %d\n%s", n, code, lastBytes(stderr.String(), 4<<10))
	}
	longest := ""
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(line, "+ cd ") && len(line) > len(longest) {
			longest = line
		}
	}
	if len(longest) > maxGoCommandLine {
		t.Errorf("weld ran a go command line of %d bytes, over %d: per-plugin lists must stay off the command line:\n%.300s…",
			len(longest), maxGoCommandLine, longest)
	}
	t.Logf("longest go command line: %d bytes", len(longest))

	bin := strings.Fields(stdout.String())[0]
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	var want []string
	for i := 0; i < n; i++ {
		want = append(want, manyplugins.PluginName(i))
	}
	want = append(want, fmt.Sprintf("%d plugins", n))
	if got := strings.Split(strings.TrimSpace(string(out)), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the binary printed %d lines, want the %d plugins in order and a count; last lines:\n%s", len(got), n, lastBytes(string(out), 300))
	}

	info := weldRun(t, "inspect", "--json", bin)
	for _, i := range []int{0, n / 2, n - 1} {
		if mod := manyplugins.PluginModule(i); !strings.Contains(info, `"package": "`+mod+`"`) {
			t.Errorf("weld inspect does not list plugin %s", mod)
		}
	}
	if got := strings.Count(info, `"package": "example.com/manyplugins/`); got != n {
		t.Errorf("weld inspect lists %d plugins, want %d", got, n)
	}
	t.Logf("composed, built, ran and inspected %d plugins in %s", n, time.Since(start).Round(time.Millisecond))
}

// lastBytes keeps the end of a long text for a failure message.
func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
