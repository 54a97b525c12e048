// Package tooltest decides what a test does when something it needs from
// the machine (a cross compiler, wine, dpkg-deb) is missing: under CI=true
// the test fails, so that CI cannot pass by skipping; elsewhere it is
// skipped with the reason printed.
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run under CI (CI=true or CI=1).
func CI() bool {
	v := os.Getenv("CI")
	return v == "true" || v == "1"
}

// Missing fails the test under CI and skips it elsewhere, with the
// formatted reason either way.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if CI() {
		t.Fatalf("missing under CI: "+format, args...)
	}
	t.Skipf("skipping: "+format, args...)
}

// Need returns the paths of the named programs, found in PATH, or calls
// Missing for the first one that is not there.
func Need(t testing.TB, programs ...string) []string {
	t.Helper()
	paths := make([]string, len(programs))
	for i, p := range programs {
		path, err := exec.LookPath(p)
		if err != nil {
			Missing(t, "%s not found in PATH (%v)", p, err)
		}
		paths[i] = path
	}
	return paths
}

// NeedSystemChanges lets a test that installs packages run only as root
// and only under CI or with WELD_TEST_INSTALL=1; otherwise it is skipped
// (as root under CI, not being root fails it).
func NeedSystemChanges(t testing.TB) {
	t.Helper()
	if !CI() && os.Getenv("WELD_TEST_INSTALL") != "1" {
		t.Skip("skipping: changes the system (installs a package); set WELD_TEST_INSTALL=1 as root to run")
	}
	if os.Geteuid() != 0 {
		Missing(t, "installing a package needs root")
	}
}
