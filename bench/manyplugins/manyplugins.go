// Package manyplugins writes a synthetic composition with any number of
// local plugins: an app module whose main package prints every name
// registered with it, N plugin modules that each register one name from
// init, and a weld.yaml that composes them all.
//
// weldbench uses it to measure weld's overhead as the plugin count grows,
// and cmd/weld's tests use it to check that a large composition builds.
// The plugins are as small as a plugin can be, so that what grows with N is
// the work weld and the go command do per plugin, not the compiler's.
package manyplugins

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AppModule is the synthetic app's module path; its registry package is
// AppModule + "/registry".
const AppModule = "example.com/manyapp"

// PluginModule returns the module path of plugin i (0-based).
func PluginModule(i int) string { return fmt.Sprintf("example.com/manyplugins/p%04d", i) }

// PluginName is what plugin i registers, and what the app prints for it.
func PluginName(i int) string { return fmt.Sprintf("plugin-%04d", i) }

// zeroVersion is the version the go command gives a module that only a
// directory replacement provides.
const zeroVersion = "v0.0.0-00010101000000-000000000000"

// Write creates the composition in dir (which must exist): app/,
// plugins/pNNNN/ and weld.yaml. It returns the manifest's path.
func Write(dir string, n int) (string, error) {
	return write(dir, "", n)
}

// WriteVersioned creates the same composition with versioned plugins: the
// app in dir/app, the manifest in dir, and each plugin at v1.0.0 as a
// txtar archive in proxySrc, in the layout internal/testproxy builds a
// GOPROXY from.
func WriteVersioned(dir, proxySrc string, n int) (string, error) {
	return write(dir, proxySrc, n)
}

func write(dir, proxySrc string, n int) (string, error) {
	files := map[string]string{
		"app/go.mod": "module " + AppModule + "\n\ngo 1.22\n",
		"app/registry/registry.go": `// Package registry collects the names plugins register from init.
package registry

import "sort"

var names []string

// Register records a plugin's name.
func Register(name string) { names = append(names, name) }

// Names returns every registered name, sorted.
func Names() []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	return out
}
`,
		"app/main.go": `// Command manyapp prints the name of every plugin compiled into it.
package main

import (
	"fmt"

	"` + AppModule + `/registry"
)

func main() {
	names := registry.Names()
	for _, n := range names {
		fmt.Println(n)
	}
	fmt.Printf("%d plugins\n", len(names))
}
`,
	}
	var manifest strings.Builder
	fmt.Fprintf(&manifest, "name: manyapp\napp:\n  module: %s\n  path: ./app\n", AppModule)
	if n > 0 {
		manifest.WriteString("plugins:\n")
	}
	for i := 0; i < n; i++ {
		mod := PluginModule(i)
		goMod := fmt.Sprintf("module %s\n\ngo 1.22\n\nrequire %s %s\n", mod, AppModule, zeroVersion)
		code := fmt.Sprintf("// Package p%04d is synthetic plugin number %d.\npackage p%04d\n\nimport %q\n\nfunc init() { registry.Register(%q) }\n",
			i, i, i, AppModule+"/registry", PluginName(i))
		if proxySrc != "" {
			// The composition replaces the app with its directory, which
			// satisfies the plugin's requirement.
			name := filepath.Join(proxySrc, strings.ReplaceAll(mod, "/", "_")+"_v1.0.0.txtar")
			archive := "-- go.mod --\n" + goMod + "-- plugin.go --\n" + code
			if err := os.WriteFile(name, []byte(archive), 0o644); err != nil {
				return "", err
			}
			fmt.Fprintf(&manifest, "  - module: %s\n    version: v1.0.0\n", mod)
			continue
		}
		pdir := fmt.Sprintf("plugins/p%04d", i)
		files[pdir+"/go.mod"] = goMod + fmt.Sprintf("\nreplace %s => ../../app\n", AppModule)
		files[pdir+"/plugin.go"] = code
		fmt.Fprintf(&manifest, "  - module: %s\n    path: ./%s\n", mod, pdir)
	}
	files["weld.yaml"] = manifest.String()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "weld.yaml"), nil
}
