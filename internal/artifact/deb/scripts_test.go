package deb

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
)

// fakeBin is a PATH of stand-ins that log their arguments to the file
// log: getent (which finds a user when exists), adduser and addgroup, and
// deb-systemd-helper and deb-systemd-invoke when helpers.
func fakeBin(t *testing.T, log string, exists, helpers bool) string {
	dir := t.TempDir()
	getent := "exit 2"
	if exists {
		getent = "exit 0"
	}
	tools := map[string]string{"getent": getent, "adduser": "", "addgroup": "", "systemctl": ""}
	if helpers {
		tools["deb-systemd-helper"], tools["deb-systemd-invoke"] = "", ""
	}
	for name, body := range tools {
		script := "#!/bin/sh\necho \"${0##*/} $*\" >> " + log + "\n" + body + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runScript runs a maintainer script as dpkg would, with only the fake
// tools in PATH, and returns what they logged.
func runScript(t *testing.T, script string, exists, helpers bool, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	file, log := filepath.Join(dir, "script"), filepath.Join(dir, "log")
	if err := os.WriteFile(file, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", append([]string{file}, args...)...)
	cmd.Env = []string{"PATH=" + fakeBin(t, log, exists, helpers)}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s\n%s", script[:20], args, err, out, script)
	}
	data, _ := os.ReadFile(log)
	return string(data)
}

func TestSetupScripts(t *testing.T) {
	tooltest.Need(t, "sh")
	s := Setup{Unit: "weld-demo.service", User: "weld-demo"}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	postinst, prerm, postrm := s.Scripts()

	// Without systemd's helpers (a container, a chroot) every script
	// succeeds; the user and its group are created, and never removed.
	log := runScript(t, postinst, false, false, "configure")
	want := "getent group weld-demo\naddgroup --system --quiet weld-demo\ngetent passwd weld-demo\n" +
		"adduser --system --quiet --ingroup weld-demo --home /nonexistent --no-create-home --shell /usr/sbin/nologin weld-demo\n"
	if !strings.HasPrefix(log, want) {
		t.Errorf("postinst configure ran:\n%s\nwant first:\n%s", log, want)
	}
	runScript(t, prerm, false, false, "remove")
	for _, arg := range []string{"remove", "purge"} {
		if log := runScript(t, postrm, false, false, arg); strings.Contains(log, "del") {
			t.Errorf("postrm %s removes an account:\n%s", arg, log)
		}
	}
	// An existing user is kept as it is.
	if log := runScript(t, postinst, true, false, "configure"); strings.Contains(log, "adduser") || strings.Contains(log, "addgroup") {
		t.Errorf("postinst configure with the user present ran:\n%s", log)
	}

	// With them, the unit is enabled on configure and purged on purge.
	log = runScript(t, postinst, true, true, "configure")
	for _, want := range []string{"deb-systemd-helper unmask weld-demo.service\n", "deb-systemd-helper --quiet was-enabled weld-demo.service\n",
		"deb-systemd-helper enable weld-demo.service\n"} {
		if !strings.Contains(log, want) {
			t.Errorf("postinst configure did not run %q:\n%s", want, log)
		}
	}
	if log := runScript(t, postrm, true, true, "purge"); !strings.Contains(log, "deb-systemd-helper purge weld-demo.service\n") {
		t.Errorf("postrm purge ran:\n%s", log)
	}
	if log := runScript(t, postinst, true, true, "triggered"); log != "" {
		t.Errorf("postinst triggered ran:\n%s", log)
	}
}

func TestSetupCheck(t *testing.T) {
	for _, bad := range []Setup{{Unit: "weld demo.service"}, {Unit: "weld.timer"}, {User: "root"}, {Group: "Weld"}, {User: "a'b"}} {
		if err := bad.Check(); err == nil {
			t.Errorf("%+v: Check accepted it", bad)
		}
	}
	if p, r, o := (Setup{}).Scripts(); p+r+o != "" {
		t.Errorf("an empty Setup has scripts %q %q %q", p, r, o)
	}
	if p, r, o := (Setup{Group: "weld"}).Scripts(); !strings.Contains(p, "addgroup --system --quiet 'weld'") || strings.Contains(p, "adduser") || r+o != "" {
		t.Errorf("a group alone: %q %q %q", p, r, o)
	}
}

// TestConffilesAndScripts has dpkg-deb read a package with a file under
// /etc and maintainer scripts.
func TestConffilesAndScripts(t *testing.T) {
	tooltest.Need(t, "dpkg-deb", "tar")
	p := sample(t)
	p.Files = append(p.Files, archive.File{Name: "etc/weld-demo/demo.conf", Data: []byte("x = 1\n")},
		archive.File{Name: "etc/default/weld-demo", Data: []byte("ARGS=\n")})
	p.Postinst, p.Prerm, p.Postrm = Setup{Unit: "weld-demo.service", User: "weld-demo"}.Scripts()
	deb := filepath.Join(t.TempDir(), p.FileName())
	if err := os.WriteFile(deb, writeDeb(t, p), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := run(t, "dpkg-deb", "--info", deb, "conffiles"); got != "/etc/default/weld-demo\n/etc/weld-demo/demo.conf\n" {
		t.Errorf("conffiles:\n%s", got)
	}
	if sums := run(t, "dpkg-deb", "--info", deb, "md5sums"); strings.Contains(sums, "etc/") || !strings.Contains(sums, "usr/bin/weld-demo") {
		t.Errorf("md5sums lists a conffile or misses the binary:\n%s", sums)
	}
	ctrl := run(t, "sh", "-c", "dpkg-deb --ctrl-tarfile \"$1\" | tar tvf -", "sh", deb)
	for _, want := range []string{"-rw-r--r-- 0/0 .* ./conffiles", "-rwxr-xr-x 0/0 .* ./postinst", "-rwxr-xr-x 0/0 .* ./prerm", "-rwxr-xr-x 0/0 .* ./postrm"} {
		if !regexp.MustCompile(want).MatchString(ctrl) {
			t.Errorf("control.tar.gz has no %s:\n%s", want, ctrl)
		}
	}
	if got := run(t, "dpkg-deb", "--info", deb, "postinst"); got != p.Postinst {
		t.Errorf("postinst:\n%s\nwant:\n%s", got, p.Postinst)
	}

	p.Prerm = "set -e\n"
	if err := p.Check(); err == nil || !strings.Contains(err.Error(), "prerm script must start with #!") {
		t.Errorf("a script without #!: %v", err)
	}
}
