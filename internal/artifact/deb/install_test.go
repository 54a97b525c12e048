package deb

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
)

// TestInstall installs a package with dpkg, runs what it installed and
// removes it again. It changes the machine, so it runs only as root and
// only under CI=true or with WELD_TEST_INSTALL=1.
func TestInstall(t *testing.T) {
	tooltest.NeedSystemChanges(t)
	tooltest.Need(t, "dpkg")
	const name = "weld-install-test"
	if exec.Command("dpkg-query", "-W", name).Run() == nil {
		t.Fatalf("%s is already installed; remove it with dpkg -r %s", name, name)
	}
	arch := strings.TrimSpace(run(t, "dpkg", "--print-architecture"))
	p := Package{
		Name: name, Version: "1.0.0-1", Architecture: arch,
		Maintainer:  "Weld Authors <weld@example.com>",
		Description: "weld install test\nInstalled and removed by weld's tests.",
		Depends:     []string{"dash | bash"},
		Files: []archive.File{{
			Name: "usr/bin/" + name, Mode: 0o755,
			Data: []byte("#!/bin/sh\necho \"weld install test ok: $*\"\n"),
		}},
		MTime: mtime,
	}
	deb := filepath.Join(t.TempDir(), p.FileName())
	var buf bytes.Buffer
	if err := Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(deb, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Cleanup(func() {
		if exec.Command("dpkg-query", "-W", name).Run() == nil {
			if out, err := exec.Command("dpkg", "--purge", name).CombinedOutput(); err != nil {
				t.Errorf("cleanup: dpkg --purge %s: %v\n%s", name, err, out)
			}
		}
	})
	if out, err := exec.Command("dpkg", "-i", deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg -i: %v\n%s", err, out)
	}
	if got := run(t, "/usr/bin/"+name, "a", "b"); got != "weld install test ok: a b\n" {
		t.Errorf("installed program printed %q", got)
	}
	status := run(t, "dpkg-query", "-W", "-f", "${Status} ${Version} ${Installed-Size}\n", name)
	if status != "install ok installed 1.0.0-1 4\n" {
		t.Errorf("dpkg-query: %q", status)
	}
	if out, err := exec.Command("dpkg", "-r", name).CombinedOutput(); err != nil {
		t.Fatalf("dpkg -r: %v\n%s", err, out)
	}
	if _, err := os.Stat("/usr/bin/" + name); !os.IsNotExist(err) {
		t.Errorf("after dpkg -r, /usr/bin/%s: %v", name, err)
	}
}
