package nix

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RequireNix skips on a developer machine without Nix's tools, saying why,
// and fails under CI, which installs nix-bin.
func RequireNix(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required under CI (apt-get install nix-bin): %v", tool, err)
			}
			t.Skipf("skipping: %s is not installed (apt-get install nix-bin): %v", tool, err)
		}
	}
}

// NixEnv is the environment Nix's tools run with in tests: no build users
// (the Debian package runs daemonless), no binary caches, flakes on, and
// a private HOME.
func NixEnv(t *testing.T, extra ...string) []string {
	home := filepath.Join(t.TempDir(), "home")
	env := append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"NIX_CONFIG=experimental-features = nix-command flakes\nbuild-users-group =\nsubstituters =\n"+strings.Join(extra, "\n"))
	return env
}

// RunNix runs a Nix command and returns its standard output.
func RunNix(t *testing.T, env []string, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env, cmd.Dir = env, dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// ParseCheck runs nix-instantiate --parse on a file. The dummy store lets
// it run as any user: the default local store needs root to open.
func ParseCheck(t *testing.T, file string) {
	t.Helper()
	RequireNix(t, "nix-instantiate")
	RunNix(t, NixEnv(t), "", "nix-instantiate", "--store", "dummy://", "--parse", file)
}
