package spec

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/target"
)

// tDir is the manifest directory of these tests.
const tDir = "/home/u/proj"

const tApp = "app: {module: example.com/app, version: v1.0.0}"

// tDoc is a manifest: its lines, numbered from 1.
type tDoc []string

func (d tDoc) text() string { return strings.Join(d, "\n") + "\n" }

// pos is the position of the first occurrence of s on line n.
func (d tDoc) pos(n int, s string) Pos {
	i := strings.Index(d[n-1], s)
	if i < 0 {
		panic("test manifest line " + d[n-1] + " does not contain " + s)
	}
	return Pos{File: "weld.yaml", Line: n, Col: i + 1}
}

func (d tDoc) parse() (*Spec, error) { return Parse("weld.yaml", tDir, []byte(d.text())) }

func mustParse(t *testing.T, d tDoc) *Spec {
	t.Helper()
	s, err := d.parse()
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func TestParseTargets(t *testing.T) {
	d := tDoc{
		tApp, // 1
		"targets:",
		"  - linux/amd64",
		"  - target: linux/arm64",
		"    cc: aarch64-linux-gnu-gcc -mcpu=cortex-a53", // 5
		"    cxx: aarch64-linux-gnu-g++",
		"    pkg_config_path: ./sysroots/arm64/pc",
		"    cgo_cflags: -O2 -g",
		"    cgo_ldflags: -L/opt/lib -lm",
		"    sysroot: ./sysroots/arm64", // 10
		"  - target: linux/arm/7",
		"    sysroot: {debian: [libcairo2-dev, zlib1g-dev], archive: 'http://deb.debian.org/debian', suite: bookworm, components: [main, contrib]}",
		"  - target: windows/amd64",
		"    sysroot: {dir: /opt/mingw}",
		"  - {target: linux/arm/6, cc: arm-linux-gnueabi-gcc, sysroot: {dir: ../rpi}}", // 15
		"sysroot: {debian: [libcairo2-dev]}",
	}
	s := mustParse(t, d)
	top := Sysroot{Debian: []string{"libcairo2-dev"}, Pos: d.pos(16, "{")}
	want := []TargetEntry{
		{Name: "linux/amd64", Pos: d.pos(3, "linux")},
		{
			Name: "linux/arm64", CC: "aarch64-linux-gnu-gcc -mcpu=cortex-a53", CXX: "aarch64-linux-gnu-g++",
			PkgConfigPath: tDir + "/sysroots/arm64/pc", CgoCflags: "-O2 -g", CgoLdflags: "-L/opt/lib -lm",
			Sysroot: Sysroot{Dir: tDir + "/sysroots/arm64", Pos: d.pos(10, "./")},
			Pos:     d.pos(4, "target"),
		},
		{
			Name: "linux/arm/7", Pos: d.pos(11, "target"),
			Sysroot: Sysroot{Debian: []string{"libcairo2-dev", "zlib1g-dev"}, Archive: "http://deb.debian.org/debian",
				Suite: "bookworm", Components: []string{"main", "contrib"}, Pos: d.pos(12, "{")},
		},
		{Name: "windows/amd64", Sysroot: Sysroot{Dir: "/opt/mingw", Pos: d.pos(14, "{")}, Pos: d.pos(13, "target")},
		{Name: "linux/arm/6", CC: "arm-linux-gnueabi-gcc", Sysroot: Sysroot{Dir: "/home/u/rpi", Pos: d.pos(15, "{dir")}, Pos: d.pos(15, "{")},
	}
	if !reflect.DeepEqual(s.Targets, want) {
		t.Errorf("Targets:\n got: %+v\nwant: %+v", s.Targets, want)
	}
	if !reflect.DeepEqual(s.Sysroot, top) {
		t.Errorf("Sysroot = %+v, want %+v", s.Sysroot, top)
	}
	if got, w := s.TargetNames(), []string{"linux/amd64", "linux/arm64", "linux/arm/7", "windows/amd64", "linux/arm/6"}; !reflect.DeepEqual(got, w) {
		t.Errorf("TargetNames = %q, want %q", got, w)
	}

	settings := []struct {
		description string
		input       string
		want        TargetEntry
	}{
		{"listed without a sysroot: the top-level one", "linux/amd64", TargetEntry{Name: "linux/amd64", Pos: d.pos(3, "linux"), Sysroot: top}},
		{"own sysroot directory", "linux/arm64", want[1]},
		{"own Debian sysroot", "linux/arm/7", want[2]},
		{"not listed: the top-level sysroot", "darwin/arm64", TargetEntry{Name: "darwin/arm64", Sysroot: top}},
	}
	for _, tt := range settings {
		t.Run(tt.description, func(t *testing.T) {
			if got := s.TargetSettings(tt.input); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("TargetSettings(%s):\n got: %+v\nwant: %+v", tt.input, got, tt.want)
			}
		})
	}
}

func TestTopLevelSysroot(t *testing.T) {
	tests := []struct {
		description string
		input       tDoc
		want        Sysroot
	}{
		{"relative directory", tDoc{tApp, "sysroot: ../sr"}, Sysroot{Dir: "/home/u/sr", Pos: Pos{"weld.yaml", 2, 10}}},
		{"absolute directory", tDoc{tApp, "sysroot: /srv/sr"}, Sysroot{Dir: "/srv/sr", Pos: Pos{"weld.yaml", 2, 10}}},
		{"dir key", tDoc{tApp, "sysroot:", "  dir: sr"}, Sysroot{Dir: tDir + "/sr", Pos: Pos{"weld.yaml", 3, 3}}},
		{"debian as a string", tDoc{tApp, "sysroot: {debian: 'libcairo2-dev, zlib1g-dev', suite: trixie}"},
			Sysroot{Debian: []string{"libcairo2-dev", "zlib1g-dev"}, Suite: "trixie", Pos: Pos{"weld.yaml", 2, 10}}},
		{"none", tDoc{tApp}, Sysroot{}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			s := mustParse(t, tt.input)
			if !reflect.DeepEqual(s.Sysroot, tt.want) {
				t.Errorf("Sysroot = %+v, want %+v", s.Sysroot, tt.want)
			}
			if got := s.TargetSettings("linux/arm64").Sysroot; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("TargetSettings(linux/arm64).Sysroot = %+v, want the top-level %+v", got, tt.want)
			}
		})
	}
}

// TestPkgConfigPathList: pkg_config_path becomes PKG_CONFIG_LIBDIR, a
// colon-separated list, so every relative element must be made absolute.
func TestPkgConfigPathList(t *testing.T) {
	tests := []struct{ input, want string }{
		{"pc", tDir + "/pc"},
		{"pc:../other/pc", tDir + "/pc:/home/u/other/pc"},
		{"/abs/pc:rel:../up", "/abs/pc:" + tDir + "/rel:/home/u/up"},
		{"a:/b:c", tDir + "/a:/b:" + tDir + "/c"},
	}
	for _, tt := range tests {
		s := mustParse(t, tDoc{tApp, "targets:", "  - {target: linux/arm64, pkg_config_path: '" + tt.input + "'}"})
		if got := s.Targets[0].PkgConfigPath; got != tt.want {
			t.Fatalf("pkg_config_path %q: got %q, want %q (every list element made absolute)", tt.input, got, tt.want)
		}
	}
}

func TestParseTargetErrors(t *testing.T) {
	known := strings.Join(target.KnownNames(), ", ")
	tests := []struct {
		description string
		input       tDoc
		want        string
	}{
		{"duplicate target", tDoc{tApp, "targets:", "  - linux/amd64", "  - {target: linux/amd64, cc: gcc}"},
			"weld.yaml:4:5: target linux/amd64 is listed twice (also at weld.yaml:3:5)"},
		{"duplicate block entries", tDoc{tApp, "targets:", "  - target: linux/arm64", "  - windows/amd64", "  - target: linux/arm64"},
			"weld.yaml:5:5: target linux/arm64 is listed twice (also at weld.yaml:3:5)"},
		{"unknown target", tDoc{tApp, "targets:", "  - linux/amd64", "  - linux/mips"},
			`weld.yaml:4:5: unknown target "linux/mips"; known targets: ` + known},
		{"unknown target in a mapping", tDoc{tApp, "targets:", "  - {target: plan9/amd64}"},
			`weld.yaml:3:5: unknown target "plan9/amd64"; known targets: ` + known},
		{"arm without version", tDoc{tApp, "targets: [linux/arm]"},
			`weld.yaml:2:11: target "linux/arm" needs an ARM version: linux/arm/6 (Raspberry Pi Zero and 1) or linux/arm/7`},
		{"entry without target", tDoc{tApp, "targets:", "  - {cc: gcc}"},
			"weld.yaml:3:5: a target entry needs target: OS/ARCH, for example linux/arm64"},
		{"unknown target key", tDoc{tApp, "targets:", "  - {target: linux/arm64, sysroots: x}"},
			`weld.yaml:3:27: unknown key "sysroots" in a target entry (known keys: cc, cgo_cflags, cgo_ldflags, cxx, pkg_config_path, sysroot, target)`},
		{"targets not a list", tDoc{tApp, "targets: linux/amd64"},
			"weld.yaml:2:10: targets must be a list, not a str"},
		{"target sysroot with dir and debian", tDoc{tApp, "targets:", "  - {target: linux/arm64, sysroot: {dir: ./x, debian: [a]}}"},
			"weld.yaml:3:36: sysroot has both dir and debian; use a directory you provide or Debian packages weld fetches, not both"},
		{"top-level sysroot with dir and debian", tDoc{tApp, "sysroot:", "  dir: ./x", "  debian: [a]"},
			"weld.yaml:3:3: sysroot has both dir and debian; use a directory you provide or Debian packages weld fetches, not both"},
		{"unknown sysroot key", tDoc{tApp, "sysroot: {debian: [a], mirror: x}"},
			`weld.yaml:2:24: unknown key "mirror" in sysroot (known keys: archive, components, debian, dir, suite)`},
		{"sysroot list", tDoc{tApp, "sysroot: [a]"}, "weld.yaml:2:10: sysroot must be a mapping, not a list"},
		{"sysroot debian not a list", tDoc{tApp, "sysroot: {debian: {a: b}}"},
			"weld.yaml:2:19: sysroot.debian must be a list of strings, not a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			s, err := tt.input.parse()
			if err == nil {
				t.Fatalf("Parse = %+v, want error %s", s, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse error:\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestPluginTargets(t *testing.T) {
	d := tDoc{
		tApp,
		"plugins:",
		"  - {module: example.com/cairo, path: ./cairo, targets: [linux/*]}",
		"  - {module: example.com/win, version: v1.0.0, targets: 'windows/amd64, windows/arm64'}",
		"  - {module: example.com/any, version: v1.0.0}",
		"  - {module: example.com/arm, version: v1.0.0, targets: [linux/arm]}",
	}
	s := mustParse(t, d)
	var got [][]string
	for _, p := range s.Plugins {
		got = append(got, p.Targets)
	}
	want := [][]string{{"linux/*"}, {"windows/amd64", "windows/arm64"}, nil, {"linux/arm"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plugin targets = %q, want %q", got, want)
	}
	if !s.Plugins[3].ForTarget("linux/arm/7") || s.Plugins[3].ForTarget("linux/arm64") {
		t.Errorf("plugin with targets [linux/arm]: ForTarget(linux/arm/7, linux/arm64) wrong")
	}
}

func TestForTarget(t *testing.T) {
	tests := []struct {
		description string
		patterns    []string
		target      string
		want        bool
	}{
		{"no patterns: every target", nil, "windows/arm64", true},
		{"exact", []string{"linux/amd64"}, "linux/amd64", true},
		{"exact, other target", []string{"linux/amd64"}, "linux/arm64", false},
		{"os wildcard", []string{"linux/*"}, "linux/amd64", true},
		{"os wildcard covers variants", []string{"linux/*"}, "linux/arm/7", true},
		{"arch without variant covers variants", []string{"linux/arm"}, "linux/arm/7", true},
		{"arch without variant covers v6", []string{"linux/arm"}, "linux/arm/6", true},
		{"arm is not a prefix of arm64", []string{"linux/arm"}, "linux/arm64", false},
		{"variant pattern", []string{"linux/arm/*"}, "linux/arm/7", true},
		{"other variant", []string{"linux/arm/7"}, "linux/arm/6", false},
		{"other os", []string{"windows/*"}, "linux/amd64", false},
		{"arch wildcard", []string{"*/amd64"}, "windows/amd64", true},
		{"arch wildcard, other arch", []string{"*/amd64"}, "darwin/arm64", false},
		{"any of several", []string{"linux/amd64", "darwin/*"}, "darwin/arm64", true},
		{"none of several", []string{"linux/amd64", "darwin/*"}, "windows/amd64", false},
		{"character class", []string{"linux/arm[6][4]"}, "linux/arm64", true},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			p := Plugin{Targets: tt.patterns}
			if got := p.ForTarget(tt.target); got != tt.want {
				t.Errorf("Plugin{Targets: %q}.ForTarget(%q) = %v, want %v", tt.patterns, tt.target, got, tt.want)
			}
		})
	}
}

func TestPluginTargetPatternErrors(t *testing.T) {
	tests := []struct {
		description string
		pattern     string
	}{
		{"no slash", "linux"},
		{"only a wildcard", "*"},
		{"bad pattern", "linux/[amd64"},
		{"bad escape", `linux/amd64\`},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			d := tDoc{tApp, "plugins:", "  - module: example.com/p", "    version: v1.0.0", "    targets: ['" + tt.pattern + "']"}
			want := `weld.yaml:3:5: plugin example.com/p: target pattern ` + strconv.Quote(tt.pattern) + ` must look like OS/ARCH, with * as a wildcard (for example linux/*)`
			s, err := d.parse()
			if err == nil || err.Error() != want {
				t.Errorf("Parse = %v, %v\nwant error %s", s, err, want)
			}
		})
	}
}

func TestParseOutputs(t *testing.T) {
	tests := []struct {
		description string
		input       tDoc
		want        Outputs
	}{
		{"none", tDoc{tApp}, Outputs{}},
		{"archive true", tDoc{tApp, "outputs: {archive: true}"}, Outputs{Archive: true, Pos: Pos{"weld.yaml", 2, 10}}},
		{"archive false", tDoc{tApp, "outputs:", "  archive: false"}, Outputs{Pos: Pos{"weld.yaml", 3, 3}}},
		{"archive quoted", tDoc{tApp, "outputs: {archive: 'true'}"}, Outputs{Archive: true, Pos: Pos{"weld.yaml", 2, 10}}},
		{"deb", tDoc{tApp, "version: 1.0.0", "outputs:", "  deb:", "    package: imgsrv", "    maintainer: A <a@example.com>",
			"    description: An image server", "    homepage: https://example.com", "    section: web"},
			Outputs{Pos: Pos{"weld.yaml", 4, 3}, Deb: &DebOutput{Package: "imgsrv", Maintainer: "A <a@example.com>",
				Description: "An image server", Homepage: "https://example.com", Section: "web", Pos: Pos{"weld.yaml", 5, 5}}}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := mustParse(t, tt.input).Outputs; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Outputs:\n got: %+v\nwant: %+v", got, tt.want)
			}
		})
	}
}

func TestParseImage(t *testing.T) {
	d := tDoc{
		tApp, // 1
		"outputs:",
		"  image:",
		"    name: registry.example.com/team/app",
		"    tags: [latest, '1.2']", // 5
		"    base: oci-layout:./base@sha256:abc",
		"    path: /usr/bin/app",
		"    entrypoint: [/usr/bin/app, serve]",
		"    cmd: [--port, '8080']",
		"    env: {LANG: C.UTF-8, TZ: UTC}", // 10
		"    ports: [8080/tcp, 9090/udp]",
		"    user: '1000:1000'",
		"    workdir: /data",
		"    labels: {org.opencontainers.image.source: 'https://example.com/app', a: b}",
		"    files:", // 15
		"      - {src: ./config.yaml, dst: /etc/app/config.yaml}",
		"      - {src: /abs/share, dst: /usr/share/app}",
		"    ca_certificates: true",
		"    zoneinfo: false",
	}
	want := &ImageOutput{
		Name: "registry.example.com/team/app", Tags: []string{"latest", "1.2"},
		Base: "oci-layout:" + tDir + "/base@sha256:abc", Path: "/usr/bin/app",
		Entrypoint: []string{"/usr/bin/app", "serve"}, Cmd: []string{"--port", "8080"},
		Env: []string{"LANG=C.UTF-8", "TZ=UTC"}, Ports: []string{"8080/tcp", "9090/udp"},
		User: "1000:1000", Workdir: "/data",
		Labels: []string{"org.opencontainers.image.source=https://example.com/app", "a=b"},
		Files: []ImageFile{
			{Src: tDir + "/config.yaml", Dst: "/etc/app/config.yaml", Pos: d.pos(16, "{")},
			{Src: "/abs/share", Dst: "/usr/share/app", Pos: d.pos(17, "{")},
		},
		CACerts: true, Pos: d.pos(4, "name"),
	}
	if got := mustParse(t, d).Outputs.Image; !reflect.DeepEqual(got, want) {
		t.Errorf("Image:\n got: %+v\nwant: %+v", got, want)
	}

	bases := []struct{ description, input, want string }{
		{"scratch", "scratch", "scratch"},
		{"registry reference", "gcr.io/distroless/static:nonroot", "gcr.io/distroless/static:nonroot"},
		{"relative layout", "oci-layout:base", "oci-layout:" + tDir + "/base"},
		{"parent layout", "oci-layout:../layouts/base", "oci-layout:/home/u/layouts/base"},
		{"absolute layout", "oci-layout:/srv/base@sha256:abc", "oci-layout:/srv/base@sha256:abc"},
	}
	for _, tt := range bases {
		t.Run("base "+tt.description, func(t *testing.T) {
			s := mustParse(t, tDoc{tApp, "outputs: {image: {base: '" + tt.input + "', zoneinfo: 'true'}}"})
			if img := s.Outputs.Image; img.Base != tt.want || !img.Zoneinfo || img.CACerts {
				t.Errorf("base %q: got %q (zoneinfo %v, ca %v), want %q", tt.input, img.Base, img.Zoneinfo, img.CACerts, tt.want)
			}
		})
	}
}

func TestParseOutputsErrors(t *testing.T) {
	const needsFile = "an image file entry needs src: (a path on this machine) and dst: (an absolute path in the image)"
	deb := "outputs: {deb: {maintainer: A <a@x>, description: d}}"
	tests := []struct {
		description string
		input       tDoc
		want        string
	}{
		{"archive not a boolean", tDoc{tApp, "outputs: {archive: yes}"}, `weld.yaml:2:10: outputs.archive must be true or false, not "yes"`},
		{"archive a list", tDoc{tApp, "outputs: {archive: [a]}"}, "weld.yaml:2:20: outputs.archive must be a string, not a list"},
		{"deb without version", tDoc{tApp, deb}, "weld.yaml:2:16: outputs.deb needs the product version: add version: 1.0.0 (or similar) at the top of the manifest"},
		{"deb without maintainer", tDoc{tApp, "version: 1.0.0", "outputs: {deb: {description: d}}"},
			"weld.yaml:3:16: outputs.deb needs maintainer: (Name <email>) and description: (one line)"},
		{"deb without description", tDoc{tApp, "version: 1.0.0", "outputs:", "  deb:", "    maintainer: A <a@x>"},
			"weld.yaml:5:5: outputs.deb needs maintainer: (Name <email>) and description: (one line)"},
		{"deb unknown key", tDoc{tApp, "version: 1", "outputs: {deb: {arch: all}}"},
			`weld.yaml:3:17: unknown key "arch" in outputs.deb (known keys: description, files, group, homepage, maintainer, package, section, systemd, user)`},
		{"relative dst", tDoc{tApp, "outputs:", "  image:", "    files:", "      - {src: a, dst: etc/a}"}, "weld.yaml:5:9: " + needsFile},
		{"missing src", tDoc{tApp, "outputs:", "  image:", "    files:", "      - {dst: /etc/a}"}, "weld.yaml:5:9: " + needsFile},
		{"files not a list", tDoc{tApp, "outputs: {image: {files: {src: a}}}"}, "weld.yaml:2:26: outputs.image.files must be a list, not a mapping"},
		{"ca_certificates not a boolean", tDoc{tApp, "outputs:", "  image:", "    name: x", "    ca_certificates: maybe"},
			`weld.yaml:4:5: outputs.image.ca_certificates must be true or false, not "maybe"`},
		{"zoneinfo not a boolean", tDoc{tApp, "outputs: {image: {zoneinfo: 1}}"}, `weld.yaml:2:18: outputs.image.zoneinfo must be true or false, not "1"`},
		{"image unknown key", tDoc{tApp, "outputs: {image: {ports: [80], volumes: [/data]}}"},
			`weld.yaml:2:32: unknown key "volumes" in outputs.image (known keys: base, ca_certificates, cmd, entrypoint, env, files, labels, name, path, ports, tags, user, workdir, zoneinfo)`},
		{"outputs unknown key", tDoc{tApp, "outputs: {rpm: {}}"},
			`weld.yaml:2:11: unknown key "rpm" in outputs (known keys: archive, deb, image, sbom)`},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			s, err := tt.input.parse()
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse = %+v, %v\nwant error %s", s, err, tt.want)
			}
		})
	}
}
