package serve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConstraint(t *testing.T) {
	for _, tc := range []struct {
		in      string
		allowed []string
		refused []string
		wantErr string
	}{
		{in: ">= v0.1.0, < v0.2.0", allowed: []string{"v0.1.0", "v0.1.9"}, refused: []string{"v0.0.9", "v0.2.0", "v1.0.0", "latest"}},
		{in: "v1.2.3", allowed: []string{"v1.2.3"}, refused: []string{"v1.2.4"}},
		{in: "> v1.0.0, != v1.1.0, <= v1.2.0", allowed: []string{"v1.0.1", "v1.2.0"}, refused: []string{"v1.0.0", "v1.1.0", "v1.2.1"}},
		{in: ">= 1.0", wantErr: `"1.0" is not a semantic version`},
		{in: ">= v1.0.0,", wantErr: "empty clause"},
	} {
		c, err := ParseConstraint(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseConstraint(%q) error = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseConstraint(%q): %v", tc.in, err)
		}
		for _, v := range tc.allowed {
			if !c.Allows(v) {
				t.Errorf("%q refuses %s", tc.in, v)
			}
		}
		for _, v := range tc.refused {
			if c.Allows(v) {
				t.Errorf("%q allows %s", tc.in, v)
			}
		}
	}
}

const goodCatalog = `apps:
  - name: app
    module: example.com/app
    versions: [v1.1.0, v1.0.0]
plugins:
  - name: hello
    module: example.com/hello
    versions: ">= v1.0.0, < v1.1.0"
    description: says hello
  - module: example.com/licensed
    versions: [v1.0.0]
    apps: [app]
targets: [linux/amd64, windows/amd64]
outputs: [binary, archive, image]
`

func TestParseCatalog(t *testing.T) {
	c, err := ParseCatalog("catalog.yaml", t.TempDir(), []byte(goodCatalog))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.App("example.com/app").Versions; strings.Join(got, " ") != "v1.0.0 v1.1.0" {
		t.Errorf("app versions = %v, want sorted", got)
	}
	if p := c.Plugin("licensed"); p == nil || p.Module != "example.com/licensed" {
		t.Errorf("a plugin without a name is named by its last path element: %+v", p)
	}
	if p := c.Plugin("hello"); p.Allowed != ">= v1.0.0, < v1.1.0" || p.Description != "says hello" {
		t.Errorf("hello = %+v", p)
	}
}

func TestParseCatalogErrors(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "nomod"), 0o755)
	for _, tc := range []struct{ desc, in, want string }{
		{"empty", "", "catalog.yaml:1: the catalog is empty"},
		{"unknown key", "apps: []\nflavours: [x]\n", `catalog.yaml:2: unknown key "flavours" in the catalog; known keys: apps, outputs, plugins, private, targets`},
		{"no apps", "targets: [linux/amd64]\n", "catalog.yaml:1: the catalog names no apps"},
		{"no versions", "apps:\n  - module: example.com/app\ntargets: [linux/amd64]\n", "catalog.yaml:2: app example.com/app needs versions"},
		{"bad version in list", "apps:\n  - module: example.com/app\n    versions: [v1.0]\n", `catalog.yaml:3: versions of example.com/app: "v1.0" is not a full semantic version`},
		{"bad range", "apps:\n  - module: example.com/app\n    versions: \">= 1\"\n", `catalog.yaml:3: versions of example.com/app: ">= 1": "1" is not a semantic version`},
		{"bad module", "apps:\n  - module: Example..com\n    versions: [v1.0.0]\n", "catalog.yaml:2: app module: malformed module path"},
		{"bad target", "apps:\n  - module: example.com/app\n    versions: [v1.0.0]\ntargets: [linux/amd64, plan10/x]\n", "catalog.yaml:4: targets:"},
		{"bad output", "apps:\n  - module: example.com/app\n    versions: [v1.0.0]\ntargets: [linux/amd64]\noutputs: [rpm]\n", `catalog.yaml:5: unknown output "rpm"; outputs are binary, archive, deb, image`},
		{"path and versions", "apps:\n  - module: example.com/app\n    path: ./app\n    versions: [v1.0.0]\n", "catalog.yaml:2: app example.com/app has both path and versions"},
		{"path without go.mod", "apps:\n  - module: example.com/app\n    path: ./nomod\n", "catalog.yaml:2: app example.com/app: path ./nomod has no go.mod"},
		{"plugin for unknown app", "apps:\n  - module: example.com/app\n    versions: [v1.0.0]\nplugins:\n  - module: example.com/p\n    versions: [v1.0.0]\n    apps: [other]\ntargets: [linux/amd64]\n", `catalog.yaml:5: plugin p names app "other"`},
		{"twice", "apps:\n  - module: example.com/app\n    versions: [v1.0.0]\n  - module: example.com/app\n    versions: [v1.0.0]\ntargets: [linux/amd64]\n", "catalog.yaml:4: app is listed twice"},
		{"missing adapter", "apps:\n  - module: example.com/app\n    versions: [v1.0.0]\n    adapter: ./none.yaml\n", "catalog.yaml:2: app example.com/app: adapter: stat "},
		{"two-line description", "apps:\n  - module: example.com/app\n    versions: [v1.0.0]\n    description: \"a\\nb\"\n", "catalog.yaml:2: app example.com/app: the description must be one line"},
	} {
		_, err := ParseCatalog("catalog.yaml", dir, []byte(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error = %v\nwant prefix %s", tc.desc, err, tc.want)
		}
	}
}

func TestCheckRequest(t *testing.T) {
	c, err := ParseCatalog("catalog.yaml", t.TempDir(), []byte(goodCatalog))
	if err != nil {
		t.Fatal(err)
	}
	published := func(context.Context, string) ([]string, error) {
		return []string{"v1.0.0", "v1.0.1-rc.1", "v1.1.0", "v2.0.0"}, nil
	}
	ok := Request{App: "app", Plugins: []string{"licensed", "hello"}, Target: "linux/amd64"}
	ch, err := c.check(context.Background(), ok, published)
	if err != nil {
		t.Fatal(err)
	}
	got := ch.Canonical()
	if got.Version != "v1.1.0" || strings.Join(got.Plugins, " ") != "hello@v1.0.0 licensed@v1.0.0" || got.Output != "binary" {
		t.Errorf("canonical request = %+v; want the newest allowed versions, plugins sorted, output binary", got)
	}
	for _, tc := range []struct {
		desc  string
		req   Request
		field string
	}{
		{"unknown app", Request{App: "nope", Target: "linux/amd64"}, "app"},
		{"app version outside the list", Request{App: "app", Version: "v1.2.0", Target: "linux/amd64"}, "version"},
		{"plugin not in the catalog", Request{App: "app", Plugins: []string{"hello", "evil.com/x"}, Target: "linux/amd64"}, "plugins[1]"},
		{"plugin version outside its range", Request{App: "app", Plugins: []string{"hello@v1.1.0"}, Target: "linux/amd64"}, "plugins[0]"},
		{"plugin version not semver", Request{App: "app", Plugins: []string{"hello@master"}, Target: "linux/amd64"}, "plugins[0]"},
		{"plugin twice", Request{App: "app", Plugins: []string{"hello", "example.com/hello"}, Target: "linux/amd64"}, "plugins[1]"},
		{"unknown target", Request{App: "app", Target: "linux/arm64"}, "target"},
		{"bad target", Request{App: "app", Target: "../../etc"}, "target"},
		{"unknown output", Request{App: "app", Target: "linux/amd64", Output: "deb"}, "output"},
	} {
		_, err := c.check(context.Background(), tc.req, published)
		var ae *apiError
		if !errors.As(err, &ae) || ae.Field != tc.field || ae.Status != 400 {
			t.Errorf("%s: error = %#v, want a 400 naming %s", tc.desc, err, tc.field)
		}
	}
}

// The manifest made for a request holds catalog values only, quoted, and
// parses as the weld.yaml it is shown as.
func TestManifestQuotesValues(t *testing.T) {
	c, err := ParseCatalog("catalog.yaml", t.TempDir(), []byte(goodCatalog))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.check(context.Background(), Request{App: "app", Version: "v1.0.0", Plugins: []string{"hello@v1.0.0"}, Target: "windows/amd64", Output: "archive"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `# weld.yaml made by weld serve; build it with: weld build --target windows/amd64
name: "app"
app:
  module: "example.com/app"
  version: "v1.0.0"
plugins:
  - module: "example.com/hello"
    version: "v1.0.0"
targets: ["windows/amd64"]
outputs:
  archive: true
`
	if got := ch.Manifest(); got != want {
		t.Errorf("manifest:\n%s\nwant:\n%s", got, want)
	}
}
