package scaffold

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/spec"
)

// Render writes the plan as a commented manifest. It is parsed back with
// weld's own manifest parser before it is returned, so weld init never
// writes a file that weld build would refuse.
func (p *Plan) Render(file, dir string) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s, written by weld init: %s.\n", filepath.Base(file), p.Found)
	b.WriteString("# weld build compiles the app with its plugins; weld run builds and runs it.\n")
	b.WriteString("# Every field is described in the README's \"The manifest\" section.\n")
	fmt.Fprintf(&b, "name: %s\n", yamlString(p.Name))
	b.WriteString("version: 0.1.0                  # the product's version, for packages and images\n")
	b.WriteString("app:\n")
	fmt.Fprintf(&b, "  module: %s\n", yamlString(p.App.Module))
	writeWhere(&b, "  ", p.App)
	if p.App.Package != "" {
		fmt.Fprintf(&b, "  package: %s\n", yamlString(p.App.Package))
	}
	switch {
	case strings.HasPrefix(p.Adapter, "embedded:"):
		fmt.Fprintf(&b, "  # weld wires this app with its embedded adapter %q: list plugins by module,\n", strings.TrimPrefix(p.Adapter, "embedded:"))
		b.WriteString("  # and keep or drop the app's default plugins with defaults: (all, none or names).\n")
	case p.Adapter == "app":
		b.WriteString("  # The app ships weld.adapter.yaml, which says how its plugins are wired.\n")
	}
	if len(p.Plugins) == 0 {
		b.WriteString("plugins: []\n")
	} else {
		b.WriteString("plugins:\n")
		for i, pl := range p.Plugins {
			if i == 0 && p.Self {
				b.WriteString("  # The plugin in this directory, built from your working tree.\n")
			}
			fmt.Fprintf(&b, "  - module: %s\n", yamlString(pl.Module))
			writeWhere(&b, "    ", pl)
		}
	}
	b.WriteString(`  # - module: example.com/another/plugin
  #   version: v1.0.0              # a version or a query (latest, >=v1.2.0)
  # - module: example.com/my/plugin
  #   path: ../my-plugin           # or a local directory

# The targets weld build --target all builds (default: this machine's own):
# targets:
#   - linux/amd64
#   - linux/arm64
#   - windows/amd64

# What to make beside each binary:
# outputs:
#   archive: true                  # a tar.gz per target (a zip with its DLLs for Windows)
#   deb:                           # a .deb per Linux target
#     maintainer: Your Name <you@example.com>
#     description: what the program does
#     files: {app.toml: /etc/app/app.toml}  # extra files; those under /etc are conffiles
#     systemd: {unit: app.service}         # a systemd unit, enabled on install
#     user: app                            # a system user to run as, created on install
#   image:                         # weld image: an OCI image per Linux target
#     ports: [8080/tcp]
`)
	data := []byte(b.String())
	if _, err := spec.Parse(file, dir, data); err != nil {
		return nil, fmt.Errorf("weld init made a manifest weld cannot read (a bug in weld init): %w\n%s", err, data)
	}
	return data, nil
}

// writeWhere writes a source's version or path.
func writeWhere(b *strings.Builder, indent string, s spec.Source) {
	if s.RelDir != "" {
		fmt.Fprintf(b, "%spath: %s\n", indent, yamlString(filepath.ToSlash(s.RelDir)))
		return
	}
	fmt.Fprintf(b, "%sversion: %s\n", indent, yamlString(s.Version))
}

var plainScalar = regexp.MustCompile(`^[A-Za-z0-9._/+~-][A-Za-z0-9._/+~@<>=-]*$`)

// yamlString writes s as a YAML scalar: plain when that reads back as the
// same string, double-quoted otherwise.
func yamlString(s string) string {
	switch strings.ToLower(s) {
	case "", "true", "false", "yes", "no", "on", "off", "null", "~":
		return strconv.Quote(s)
	}
	if plainScalar.MatchString(s) && !strings.HasPrefix(s, "-") {
		return s
	}
	return strconv.Quote(s)
}

// WriteNew writes the manifest at file, which must not exist: it is
// written to a temporary name beside it and linked into place, which
// fails rather than replace a file that appeared meanwhile.
func WriteNew(file string, data []byte) error {
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s already exists; weld init does not overwrite a manifest (edit it, or remove it first)", file)
	}
	tmp, err := atomicfile.CreateTemp(filepath.Dir(file), filepath.Base(file))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), file); err != nil {
		if os.IsExist(err) {
			return fmt.Errorf("%s already exists; weld init does not overwrite a manifest (edit it, or remove it first)", file)
		}
		return err
	}
	return nil
}
