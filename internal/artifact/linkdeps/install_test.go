package linkdeps

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
)

// TestInstallWithDepends packages the zlib program with the Depends that
// DebDepends computes, installs it with dpkg (which checks them against
// the installed packages), runs it and removes it. It changes the system:
// root only, and only under CI or with WELD_TEST_INSTALL=1.
func TestInstallWithDepends(t *testing.T) {
	tooltest.NeedSystemChanges(t)
	arch := hostArch(t)
	bin := zlibProgram(t)
	info, err := ELFNeeds(bin)
	if err != nil {
		t.Fatal(err)
	}
	depends, err := DebDepends(info, HostResolver(arch))
	if err != nil {
		t.Fatal(err)
	}
	const name = "weld-linkdeps-test"
	if exec.Command("dpkg-query", "-W", name).Run() == nil {
		t.Fatalf("%s is already installed; remove it with dpkg -r %s", name, name)
	}
	p := deb.Package{
		Name: name, Version: "1.0.0", Architecture: arch,
		Maintainer:  "Weld Authors <weld@example.com>",
		Description: "weld linkdeps test\nInstalled and removed by weld's tests.",
		Depends:     depends,
		Files:       []archive.File{{Name: "usr/bin/" + name, Src: bin}},
		MTime:       time.Unix(1795620892, 0),
	}
	var buf bytes.Buffer
	if err := deb.Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), p.FileName())
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if exec.Command("dpkg-query", "-W", name).Run() == nil {
			if out, err := exec.Command("dpkg", "--purge", name).CombinedOutput(); err != nil {
				t.Errorf("cleanup: dpkg --purge %s: %v\n%s", name, err, out)
			}
		}
	})
	if out, err := exec.Command("dpkg", "-i", path).CombinedOutput(); err != nil {
		t.Fatalf("dpkg -i with Depends %q: %v\n%s", depends, err, out)
	}
	out, err := exec.Command("/usr/bin/" + name).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "zlib 1.") {
		t.Errorf("installed program: %v %s", err, out)
	}
	got, _ := exec.Command("dpkg-query", "-W", "-f", "${Depends}", name).Output()
	if string(got) != strings.Join(depends, ", ") {
		t.Errorf("installed Depends %q, want %q", got, strings.Join(depends, ", "))
	}
	if out, err := exec.Command("dpkg", "-r", name).CombinedOutput(); err != nil {
		t.Fatalf("dpkg -r: %v\n%s", err, out)
	}
}
