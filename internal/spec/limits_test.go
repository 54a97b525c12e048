package spec

import (
	"fmt"
	"strings"
	"testing"
)

// pluginsManifest lists n versioned plugins, one line each, after a
// three-line app section: plugin i is on line i+5.
func pluginsManifest(n int) string {
	var b strings.Builder
	b.WriteString("app:\n  module: example.com/app\n  version: v1.0.0\nplugins:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {module: example.com/p%d, version: v1.0.0}\n", i)
	}
	return b.String()
}

func TestPluginCountLimit(t *testing.T) {
	if _, err := Parse("weld.yaml", testDir, []byte(pluginsManifest(MaxPlugins))); err != nil {
		t.Errorf("a manifest of %d plugins, the limit: %v", MaxPlugins, err)
	}
	_, err := Parse("weld.yaml", testDir, []byte(pluginsManifest(MaxPlugins+5)))
	want := fmt.Sprintf("weld.yaml:%d:5: the manifest lists %d plugins, more than weld's limit of %d; compose fewer, or group plugins into a module whose package imports them and list that module once",
		MaxPlugins+5, MaxPlugins+5, MaxPlugins)
	if err == nil || err.Error() != want {
		t.Errorf("a manifest over the limit: error\n%v\nwant\n%s", err, want)
	}
}
