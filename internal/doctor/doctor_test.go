package doctor

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

func TestGoChecks(t *testing.T) {
	tests := []struct {
		name                  string
		have, locked, setting string
		status                Status
		detail, fix           string
	}{
		{"no lock", "go1.26.8", "", "auto", OK, "go1.26.8", ""},
		{"the locked one", "go1.26.8", "go1.26.8", "auto", OK, "go1.26.8, the one weld.lock pins", ""},
		{"switches", "go1.26.8", "go1.26.9", "auto", OK, "go1.26.8; weld.lock pins go1.26.9, which the go command downloads and runs (GOTOOLCHAIN)", ""},
		{"cannot switch", "go1.26.8", "go1.26.9", "local", Missing, "go1.26.8, but weld.lock pins go1.26.9 and GOTOOLCHAIN=local forbids switching to it",
			"install go1.26.9 (go install golang.org/dl/go1.26.9@latest), or unset GOTOOLCHAIN=local"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := goChecks(Options{GoVersion: tt.have, LockedGo: tt.locked, GoToolchain: tt.setting})[0]
			if c.Status != tt.status || c.Detail != tt.detail || c.Fix != tt.fix {
				t.Errorf("goChecks = %+v, want %s %q fix %q", c, tt.status, tt.detail, tt.fix)
			}
		})
	}
}

func TestMachineChecks(t *testing.T) {
	arm64 := target.Target{OS: "linux", Arch: "arm64"}
	s := &spec.Spec{
		Targets: []spec.TargetEntry{{Name: "linux/arm64", Sysroot: spec.Sysroot{Debian: []string{"libcairo2-dev"}, Archive: "http://mirror.example/debian", Suite: "bookworm"}}},
		Outputs: spec.Outputs{Image: &spec.ImageOutput{Name: "registry.example:5000/team/app"}},
	}
	var asked []string
	checks := Run(context.Background(), Options{
		Spec: s, Targets: []target.Target{arm64}, GoVersion: "go1.26.8",
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
		Reachable: func(_ context.Context, url string) error {
			asked = append(asked, url)
			return errors.New("connection refused")
		},
		Credentials: func(string) bool { return false },
	})
	var lines []string
	for _, c := range checks {
		lines = append(lines, string(c.Status)+" "+c.What+": "+c.Detail+" | "+c.Fix)
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"warn Debian archive http://mirror.example/debian: http://mirror.example/debian/dists/bookworm/Release does not answer (connection refused): sysroots not yet in weld's cache cannot be fetched | check the network or proxy, or set sysroot: {archive: URL} to a reachable mirror",
		"warn qemu-aarch64: not found; it runs the linux/arm64 binaries here (not needed to build) | apt-get install qemu-user",
		"warn registry credentials for registry.example:5000: none found; weld image --push to registry.example:5000 will be refused unless it allows anonymous pushes | docker login registry.example:5000 (or write ~/.docker/config.json)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the checks lack\n\t%s\ngot:\n%s", want, got)
		}
	}
	if len(asked) != 1 {
		t.Errorf("asked the archive %d times (%q), want once", len(asked), asked)
	}
	if Failed(checks) {
		t.Errorf("warnings alone failed the report: %s", got)
	}
}
