package testtools

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Independent verifiers the tests install through the module proxy, at
// the versions whose output the tests were written against.
const (
	CyclonedxGomod = "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0"
	Cosign         = "github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5"
)

var (
	toolsMu    sync.Mutex
	toolsBuilt = map[string]string{} // package@version → binary
)

// GoTool installs pkgAtVersion with go install once per test process, and
// keeps the binary in the user's cache directory under its version, so
// that a developer's later runs reuse it (a fresh CI machine installs it
// once). The install fails the test rather than skipping it: these tools
// are how the tests check weld's output independently.
func GoTool(pkgAtVersion string) (string, error) {
	toolsMu.Lock()
	defer toolsMu.Unlock()
	if bin, ok := toolsBuilt[pkgAtVersion]; ok {
		return bin, nil
	}
	pkg, _, _ := strings.Cut(pkgAtVersion, "@")
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "weld-test-tools", strings.NewReplacer("/", "_", "@", "_").Replace(pkgAtVersion))
	bin := filepath.Join(dir, filepath.Base(pkg))
	if _, err := os.Stat(bin); err != nil {
		install := exec.Command("go", "install", pkgAtVersion)
		// The proxy a test sets up serves only its fixtures; the tool
		// comes from the real module proxy.
		install.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-modcacherw", "GOTOOLCHAIN=local")
		install.Env = WithoutTestProxy(install.Env)
		if out, err := install.CombinedOutput(); err != nil {
			return "", &installError{pkgAtVersion, err, string(out)}
		}
	}
	toolsBuilt[pkgAtVersion] = bin
	return bin, nil
}

// WithoutTestProxy drops the GOPROXY, GONOSUMDB, GOSUMDB and GOMODCACHE
// that a test points at its fixture proxy, so that go install uses the
// machine's own settings.
func WithoutTestProxy(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOPROXY", "GONOSUMDB", "GOSUMDB", "GOMODCACHE", "GOPATH", "GOFLAGS":
			continue
		}
		out = append(out, kv)
	}
	return out
}

type installError struct {
	tool   string
	err    error
	output string
}

func (e *installError) Error() string {
	return "installing " + e.tool + " through the module proxy: " + e.err.Error() + "\n" + e.output
}

// MustGoTool is GoTool for a test that cannot go on without the tool.
func MustGoTool(t testing.TB, pkgAtVersion string) string {
	t.Helper()
	bin, err := GoTool(pkgAtVersion)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}
