package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/testproxy"
)

// TestSBOMMatchesAnIndependentTool: the Go modules in weld's SBOM of a
// binary are exactly those that cyclonedx-gomod, which reads the binary's
// build info itself, finds in it.
func TestSBOMMatchesAnIndependentTool(t *testing.T) {
	requireTool(t, "go")
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("skipping: -short, and installing cyclonedx-gomod needs the module proxy")
	}
	cyclonedx := mustGoTool(t, cyclonedxGomod)

	proxy := filepath.Join(t.TempDir(), "proxy")
	if err := testproxy.Build(proxySource(t), proxy); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("GOPROXY", testproxy.URL(proxy))
	t.Setenv("GONOSUMDB", "example.com,github.com/weldgo")
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOFLAGS", "-modcacherw")
	t.Setenv("GOMODCACHE", filepath.Join(dir, "modcache"))
	t.Setenv("WELD_CACHE", filepath.Join(dir, "weldcache"))
	manifest := filepath.Join(dir, "weld.yaml")
	if err := os.WriteFile(manifest, []byte("name: app\napp: {module: example.com/app, version: v1.0.0}\nplugins:\n  - {module: example.com/licensed, version: v1.0.0}\n  - {module: example.com/hello, version: v1.0.0}\noutputs: {sbom: [cyclonedx]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	program := weldBuild(t, "build", "-f", manifest, "-o", filepath.Join(dir, "dist"))

	theirs := filepath.Join(dir, "theirs.cdx.json")
	if out, err := exec.Command(cyclonedx, "bin", "-json", "-output", theirs, program).CombinedOutput(); err != nil {
		t.Fatalf("cyclonedx-gomod bin: %v\n%s", err, out)
	}
	want := goModules(t, theirs)
	got := goModules(t, program+".cdx.json")
	// The app is the binary's main module, which build info records as
	// (devel): cyclonedx-gomod lists it without a version, and weld with
	// the version weld.lock resolved it to. Compare the app by its path.
	for i, m := range got {
		if path, _, _ := strings.Cut(m, "@"); path == "example.com/app" {
			got[i] = path
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("weld's SBOM lists the modules\n\t%s\ncyclonedx-gomod finds\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if len(want) < 3 {
		t.Errorf("cyclonedx-gomod found too few modules to compare: %q", want)
	}
}

// goModules lists the Go modules (path@version, from their purls) of a
// CycloneDX document, its main component included, the standard library
// left out.
func goModules(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	type comp struct{ Purl string }
	var doc struct {
		Metadata   struct{ Component comp }
		Components []comp
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range append(doc.Components, doc.Metadata.Component) {
		p, _, _ := strings.Cut(c.Purl, "?")
		if m, ok := strings.CutPrefix(p, "pkg:golang/"); ok && !strings.HasPrefix(m, "std@") {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}
