package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/cli"
)

const (
	contribExt = "github.com/open-telemetry/opentelemetry-collector-contrib/extension/"
	// healthcheckextension v0.111.0 configures its server with
	// confighttp.ServerConfig.Endpoint and calls ToServer with a
	// component.Host: by collector v0.164.0 the field has moved (to
	// NetAddr) and ToServer takes the host's extensions. It is given its
	// kind: the adapter reads a plugin's kind from its factory's type,
	// which a package that does not compile does not have.
	oldHealthcheck = contribExt + "healthcheckextension"
	// pprofextension v0.132.0 was written for collector modules whose
	// component.TelemetrySettings aliased an internal type that later
	// releases made a type of its own; it compiles against both.
	oldPprof = contribExt + "pprofextension"
)

// testOtelcolCheck runs weld check on two contrib components from older
// releases against two collector releases, and confirms every verdict by
// compiling: the "ok" plugin compiles with the older collector's versions
// and builds into the newer collector, which lists it, and the
// "incompatible" one fails to compile with both, at the lines weld check
// names. It runs after testOtelcol, whose v0.165.0 build it reuses.
func testOtelcolCheck(t *testing.T) {
	dir := project(t, map[string]string{"weld.yaml": `name: otelcol
app:
  module: go.opentelemetry.io/collector/otelcol
  version: v0.165.0
plugins:
  - module: ` + oldHealthcheck + `
    version: v0.111.0
    kind: extension
  - module: ` + oldPprof + `
    version: v0.132.0
`})
	stdout, stderr, code := weldExit("check", "-f", filepath.Join(dir, "weld.yaml"), "--app-versions", "v0.164.0,v0.165.0", "--json")
	if code != 1 || !strings.Contains(stderr, "weld: check: 2 of 4 plugin and app version pairs are incompatible or do not compile") {
		t.Fatalf("weld check: exit %d, want 1 with 2 of 4 pairs failing\n%s%s", code, stdout, stderr)
	}
	var cells []struct {
		Plugin     string `json:"plugin"`
		AppVersion string `json:"app_version"`
		Verdict    string `json:"verdict"`
		Reason     string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(stdout), &cells); err != nil {
		t.Fatalf("weld check --json: %v\n%s", err, stdout)
	}
	verdicts := map[string]string{}
	for _, c := range cells {
		verdicts[c.Plugin+" "+c.AppVersion] = c.Verdict + ": " + c.Reason
	}
	for _, app := range []struct{ version, confighttp string }{{"v0.164.0", "v0.164.0"}, {"v0.165.0", "v1.71.0"}} {
		between := " between go.opentelemetry.io/collector/config/confighttp v0.111.0 (required by the plugin) and " + app.confighttp + " (selected)"
		got := verdicts[oldHealthcheck+"@v0.111.0 "+app.version]
		for _, want := range []string{
			"incompatible: uses confighttp.ServerConfig.Endpoint (config.go:55): removed" + between,
			"uses confighttp.ServerConfig.ToServer (healthcheckextension.go:39): signature changed" + between,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("healthcheckextension v0.111.0 with collector %s: verdict %q, want it to have %q", app.version, got, want)
			}
		}
		if got := verdicts[oldPprof+"@v0.132.0 "+app.version]; got != "ok: " {
			t.Errorf("pprofextension v0.132.0 with collector %s: verdict %q, want ok", app.version, got)
		}

		// "incompatible": the plugin's package does not compile with the
		// composition's versions, where weld check said.
		out, err := compilePlugin(t, app.version, oldHealthcheck, "v0.111.0")
		if err == nil {
			t.Errorf("go build healthcheckextension v0.111.0 with collector %s succeeded; weld check said it is incompatible", app.version)
		}
		for _, want := range []string{
			`healthcheckextension@v0.111.0/config.go:55:\d+: cfg.Endpoint undefined`,
			`healthcheckextension@v0.111.0/healthcheckextension.go:39:\d+: cannot use host`,
		} {
			if !regexp.MustCompile(want).MatchString(out) {
				t.Errorf("compiling healthcheckextension v0.111.0 with collector %s: no %q in\n%s", app.version, want, out)
			}
		}
	}

	// "ok": the plugin compiles with the older collector's versions...
	if out, err := compilePlugin(t, "v0.164.0", oldPprof, "v0.132.0"); err != nil {
		t.Errorf("go build pprofextension v0.132.0 with collector v0.164.0: %v\n%s; weld check said ok", err, out)
	}
	// ...and builds into the newer collector (whose packages testOtelcol
	// compiled), which lists it.
	okDir := project(t, map[string]string{"weld.yaml": "name: otelcol\napp:\n  module: go.opentelemetry.io/collector/otelcol\n  version: v0.165.0\nplugins:\n  - module: " + oldPprof + "\n    version: v0.132.0\n"})
	bin := weldBuild(t, "build", "-f", filepath.Join(okDir, "weld.yaml"), "-o", filepath.Join(okDir, "dist"))
	list, err := exec.Command(bin, "components").CombinedOutput()
	if err != nil || !strings.Contains(string(list), "module: "+oldPprof+" v0.132.0") {
		t.Errorf("collector v0.165.0 with pprofextension v0.132.0: components: %v\n%s", err, list)
	}

	// Built anyway (--allow-incompatible), the incompatible plugin fails
	// in the compiler, and the error says which selected versions it
	// does not compile with and who selected them.
	badDir := project(t, map[string]string{"weld.yaml": "name: otelcol\napp:\n  module: go.opentelemetry.io/collector/otelcol\n  version: v0.165.0\nplugins:\n  - module: " + oldHealthcheck + "\n    version: v0.111.0\n    kind: extension\n"})
	_, stderr, code = weldExit("build", "-f", filepath.Join(badDir, "weld.yaml"), "-o", filepath.Join(badDir, "dist"), "--allow-incompatible")
	for _, want := range []string{
		"plugin " + oldHealthcheck + "@v0.111.0 (" + filepath.Join(badDir, "weld.yaml") + ":6:5) does not compile with ",
		"go.opentelemetry.io/collector/config/confighttp v1.71.0 (selected; the plugin requires v0.111.0)",
		"healthcheckextension@v0.111.0/config.go:55:9: cfg.Endpoint undefined",
	} {
		if code == 0 || !strings.Contains(stderr, want) {
			t.Errorf("weld build --allow-incompatible of healthcheckextension v0.111.0: exit %d, want %q in\n%s", code, want, stderr)
		}
	}
}

// weldExit runs weld and returns what it printed and its exit status.
func weldExit(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = cli.Main(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// compilePlugin composes the plugin alone with the collector at version
// (weld lock, keeping its work directory) and compiles the plugin's
// package there with go build and the composition's go.mod, as the
// composed collector would compile it; it returns what go build printed
// and its error.
func compilePlugin(t *testing.T, version, plugin, pluginVersion string) (string, error) {
	t.Helper()
	dir := project(t, map[string]string{"weld.yaml": "name: otelcol\napp:\n  module: go.opentelemetry.io/collector/otelcol\n  version: " + version +
		"\nplugins:\n  - module: " + plugin + "\n    version: " + pluginVersion + "\n    kind: extension\n"})
	_, stderr, code := weldExit("lock", "-f", filepath.Join(dir, "weld.yaml"), "--allow-incompatible", "--work")
	m := regexp.MustCompile(`(?m)^work directory: (\S+)$`).FindStringSubmatch(stderr)
	if m != nil {
		t.Cleanup(func() { os.RemoveAll(m[1]) })
	}
	if code != 0 || m == nil {
		t.Fatalf("weld lock --work: exit %d\n%s", code, stderr)
	}
	cmd := exec.Command("go", "build", "-modfile=weld-composed.mod", "-o", os.DevNull, plugin)
	cmd.Dir = m[1]
	out, err := cmd.CombinedOutput()
	return string(out), err
}
