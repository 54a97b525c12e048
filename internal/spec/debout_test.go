package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// debDir is a manifest directory with the files the deb tests install.
func debDir(t *testing.T) string {
	dir := t.TempDir()
	for _, f := range []string{"app.conf", "app.service"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func debManifest(lines ...string) []byte {
	head := []string{tApp, "version: 1.0.0", "outputs:", "  deb:", "    maintainer: A <a@example.com>", "    description: d"}
	return []byte(strings.Join(append(head, lines...), "\n") + "\n")
}

func TestParseDebInstall(t *testing.T) {
	dir := debDir(t)
	s, err := Parse("weld.yaml", dir, debManifest(
		"    files:",
		"      app.conf: /etc/app/app.conf",
		"      ./app.conf: /usr/share/app/default.conf",
		"    systemd: {unit: app.service}",
		"    user: app",
		"    group: _app"))
	if err != nil {
		t.Fatal(err)
	}
	d := s.Outputs.Deb
	want := []DebFile{
		{Src: filepath.Join(dir, "app.conf"), Dst: "/etc/app/app.conf", Pos: Pos{"weld.yaml", 8, 7}},
		{Src: filepath.Join(dir, "app.conf"), Dst: "/usr/share/app/default.conf", Pos: Pos{"weld.yaml", 9, 7}},
	}
	if !reflect.DeepEqual(d.Files, want) {
		t.Errorf("Files = %+v\nwant %+v", d.Files, want)
	}
	if d.Unit != filepath.Join(dir, "app.service") || d.UnitPos != (Pos{"weld.yaml", 10, 21}) {
		t.Errorf("Unit = %q at %v", d.Unit, d.UnitPos)
	}
	if d.User != "app" || d.Group != "_app" || d.UserPos.Line != 11 || d.GroupPos.Line != 12 {
		t.Errorf("User, Group = %q at %v, %q at %v", d.User, d.UserPos, d.Group, d.GroupPos)
	}
	if s.DebPackageName() != "app" {
		t.Errorf("DebPackageName = %q", s.DebPackageName())
	}
}

func TestParseDebInstallErrors(t *testing.T) {
	dir := debDir(t)
	tests := []struct {
		description string
		lines       []string
		want        string
	}{
		{"files a list", []string{"    files: [app.conf]"}, "weld.yaml:7:12: outputs.deb.files must be a mapping of SOURCE: /INSTALL/PATH, not a list"},
		{"missing source", []string{"    files: {nope.conf: /etc/app/nope.conf}"},
			"weld.yaml:7:13: outputs.deb.files: no file " + dir + "/nope.conf (paths are relative to the manifest's directory)"},
		{"source a directory", []string{"    files: {conf.d: /etc/app/conf.d}"},
			"weld.yaml:7:13: outputs.deb.files: " + dir + "/conf.d is not a regular file; list each file to install"},
		{"relative install path", []string{"    files: {app.conf: etc/app/app.conf}"},
			`weld.yaml:7:13: outputs.deb.files: install path "etc/app/app.conf" for "app.conf" must be the absolute path of a file, e.g. /etc/app/app.conf`},
		{"directory install path", []string{"    files: {app.conf: /etc/app/}"},
			`weld.yaml:7:13: outputs.deb.files: install path "/etc/app/" for "app.conf" must be the absolute path of a file, e.g. /etc/app/app.conf`},
		{"unclean install path", []string{"    files: {app.conf: /etc/app/../app.conf}"},
			`weld.yaml:7:13: outputs.deb.files: install path "/etc/app/../app.conf" is not clean; write "/etc/app.conf"`},
		{"space in install path", []string{"    files: {app.conf: /etc/app/my app.conf}"},
			`weld.yaml:7:13: outputs.deb.files: install path "/etc/app/my app.conf" holds white space or control characters, which DEBIAN/conffiles and md5sums cannot list`},
		{"the binary's path", []string{"    files: {app.conf: /usr/bin/app}"},
			"weld.yaml:7:13: outputs.deb.files: /usr/bin/app is the binary; install the file elsewhere"},
		{"the copyright file", []string{"    files: {app.conf: /usr/share/doc/app/copyright}"},
			"weld.yaml:7:13: outputs.deb.files: /usr/share/doc/app/copyright is the copyright file weld writes; install the file elsewhere"},
		{"installed twice", []string{"    files:", "      app.conf: /etc/app/a.conf", "      app.service: /etc/app/a.conf"},
			"weld.yaml:9:7: outputs.deb.files: /etc/app/a.conf is installed twice (also at weld.yaml:8:7); keep one entry"},
		{"missing unit", []string{"    systemd: {unit: app2.service}"},
			"weld.yaml:7:21: outputs.deb.systemd.unit: no file " + dir + "/app2.service (paths are relative to the manifest's directory)"},
		{"systemd unknown key", []string{"    systemd: {timer: app.timer}"},
			`weld.yaml:7:15: unknown key "timer" in outputs.deb.systemd (known keys: unit)`},
		{"systemd a string", []string{"    systemd: app.service"},
			"weld.yaml:7:14: outputs.deb.systemd must be a mapping, not a str"},
		{"user root", []string{"    user: root"},
			"weld.yaml:7:11: outputs.deb.user: root exists already; leave user: and group: out to run as root"},
		{"bad user name", []string{"    user: App User"},
			`weld.yaml:7:11: outputs.deb.user: "App User" is not a system user or group name: use at most 32 of a-z, 0-9, '_' and '-', starting with a letter or '_'`},
		{"bad group name", []string{"    group: 9app"},
			`weld.yaml:7:12: outputs.deb.group: "9app" is not a system user or group name: use at most 32 of a-z, 0-9, '_' and '-', starting with a letter or '_'`},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			_, err := Parse("weld.yaml", dir, debManifest(tt.lines...))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse = %v\nwant error %s", err, tt.want)
			}
		})
	}
}
