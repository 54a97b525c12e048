package deb

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
)

var mtime = time.Date(2026, 11, 25, 15, 34, 52, 0, time.UTC)

// sample is a package with an executable given by path, a document given
// by bytes, and a Depends line as linkdeps would make it.
func sample(t *testing.T) Package {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "weld-demo")
	if err := os.WriteFile(bin, bytes.Repeat([]byte("\x7fELF"), 600), 0o755); err != nil {
		t.Fatal(err)
	}
	return Package{
		Name:         "weld-demo",
		Version:      "1.2.0~rc.1-1",
		Architecture: "amd64",
		Maintainer:   "Weld Authors <weld@example.com>",
		Description:  "demo package for weld\nExtended line.\n\nMore.",
		Homepage:     "https://example.com/weld",
		Section:      "utils",
		Depends:      []string{"libc6 (>= 2.34)", "zlib1g (>= 1:1.2.3.3.dfsg-1)"},
		Files: []archive.File{
			{Name: "usr/share/doc/weld-demo/README", Data: []byte("hello\n")},
			{Name: "usr/bin/weld-demo", Src: bin},
		},
		MTime: mtime,
	}
}

const wantControl = `Package: weld-demo
Version: 1.2.0~rc.1-1
Architecture: amd64
Maintainer: Weld Authors <weld@example.com>
Installed-Size: 10
Depends: libc6 (>= 2.34), zlib1g (>= 1:1.2.3.3.dfsg-1)
Section: utils
Priority: optional
Homepage: https://example.com/weld
Description: demo package for weld
 Extended line.
 .
 More.
`

func writeDeb(t *testing.T, p Package) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteDeterministic(t *testing.T) {
	a := writeDeb(t, sample(t))
	b := writeDeb(t, sample(t)) // another temporary file, same contents
	if !bytes.Equal(a, b) {
		t.Fatal("two writes of the same package differ")
	}
	p := sample(t)
	p.Files[0], p.Files[1] = p.Files[1], p.Files[0]
	p.Files = append(p.Files, archive.Dir("usr/bin")) // listing a parent changes nothing
	if !bytes.Equal(a, writeDeb(t, p)) {
		t.Fatal("file order or an explicit parent directory changes the package")
	}
	p.MTime = p.MTime.Add(time.Second)
	if bytes.Equal(a, writeDeb(t, p)) {
		t.Fatal("MTime does not reach the package")
	}
}

func TestWriteStructure(t *testing.T) {
	data := writeDeb(t, sample(t))
	if !bytes.HasPrefix(data, []byte("!<arch>\n")) {
		t.Fatalf("no ar magic: %q", data[:8])
	}
	var names []string
	for off := 8; off < len(data); {
		if off+60 > len(data) {
			t.Fatalf("truncated ar header at %d", off)
		}
		hdr := string(data[off : off+60])
		name := strings.TrimRight(hdr[:16], " ")
		var size int
		fmt.Sscan(hdr[48:58], &size)
		want := fmt.Sprintf("%-16s%-12d0     0     100644  %-10d`\n", name, mtime.Unix(), size)
		if hdr != want {
			t.Errorf("ar header %q, want %q", hdr, want)
		}
		names = append(names, name)
		if name == "debian-binary" && string(data[off+60:off+60+size]) != "2.0\n" {
			t.Errorf("debian-binary = %q", data[off+60:off+60+size])
		}
		off += 60 + size + size%2
	}
	if strings.Join(names, " ") != "debian-binary control.tar.gz data.tar.gz" {
		t.Errorf("ar members %q", names)
	}
	if len(data)%2 != 0 {
		t.Errorf("ar archive has odd length %d", len(data))
	}
}

func TestWriteErrors(t *testing.T) {
	p := sample(t)
	p.Files = append(p.Files, archive.File{Name: "usr/bin/missing", Src: filepath.Join(t.TempDir(), "nope")})
	err := Write(&bytes.Buffer{}, p)
	if err == nil || !strings.Contains(err.Error(), "weld-demo") || !strings.Contains(err.Error(), "usr/bin/missing") {
		t.Errorf("Write with a missing file = %v, want an error naming the package and the file", err)
	}
	p = sample(t)
	p.Files = append(p.Files, archive.File{Name: "usr/bin/weld-demo"})
	if err := Write(&bytes.Buffer{}, p); err == nil || !strings.Contains(err.Error(), "same path") {
		t.Errorf("Write with a duplicate file = %v", err)
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC", "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return string(out)
}

// TestDpkgDeb has dpkg-deb read the package.
func TestDpkgDeb(t *testing.T) {
	tooltest.Need(t, "dpkg-deb", "tar")
	dir := t.TempDir()
	deb := filepath.Join(dir, sample(t).FileName())
	if err := os.WriteFile(deb, writeDeb(t, sample(t)), 0o644); err != nil {
		t.Fatal(err)
	}

	// dpkg-deb -f with no field prints the control file as it is.
	if got := run(t, "dpkg-deb", "--field", deb); got != wantControl {
		t.Errorf("control file:\n%s\nwant:\n%s", got, wantControl)
	}
	if got := run(t, "dpkg-deb", "--field", deb, "Depends"); got != "libc6 (>= 2.34), zlib1g (>= 1:1.2.3.3.dfsg-1)\n" {
		t.Errorf("dpkg-deb --field Depends = %q", got)
	}
	info := run(t, "dpkg-deb", "--info", deb)
	for _, re := range []string{
		`(?m)^ new Debian package, version 2\.0\.$`,
		`(?m)^ +\d+ bytes, +13 lines +control +$`,
		`(?m)^ +\d+ bytes, +2 lines +md5sums +$`,
		`(?m)^ Package: weld-demo$`,
	} {
		if !regexp.MustCompile(re).MatchString(info) {
			t.Errorf("dpkg-deb --info does not match %s:\n%s", re, info)
		}
	}

	contents := run(t, "dpkg-deb", "--contents", deb)
	want := strings.Join([]string{
		"drwxr-xr-x 0/0               0 2026-11-25 15:34 ./",
		"drwxr-xr-x 0/0               0 2026-11-25 15:34 ./usr/",
		"drwxr-xr-x 0/0               0 2026-11-25 15:34 ./usr/bin/",
		"-rwxr-xr-x 0/0            2400 2026-11-25 15:34 ./usr/bin/weld-demo",
		"drwxr-xr-x 0/0               0 2026-11-25 15:34 ./usr/share/",
		"drwxr-xr-x 0/0               0 2026-11-25 15:34 ./usr/share/doc/",
		"drwxr-xr-x 0/0               0 2026-11-25 15:34 ./usr/share/doc/weld-demo/",
		"-rw-r--r-- 0/0               6 2026-11-25 15:34 ./usr/share/doc/weld-demo/README",
	}, "\n") + "\n"
	if contents != want {
		t.Errorf("dpkg-deb --contents:\n%s\nwant:\n%s", contents, want)
	}
	if ctrl := run(t, "sh", "-c", "dpkg-deb --ctrl-tarfile \"$1\" | tar tvf -", "sh", deb); !strings.Contains(ctrl, "./control") ||
		!strings.Contains(ctrl, "-rw-r--r-- 0/0") || strings.Count(ctrl, "\n") != 3 {
		t.Errorf("control.tar.gz:\n%s", ctrl)
	}

	// Unpack everything and check md5sums against the unpacked files.
	x, ctrl := filepath.Join(dir, "x"), filepath.Join(dir, "DEBIAN")
	run(t, "dpkg-deb", "--extract", deb, x)
	run(t, "dpkg-deb", "--control", deb, ctrl)
	sums, err := os.ReadFile(filepath.Join(ctrl, "md5sums"))
	if err != nil {
		t.Fatal(err)
	}
	var wantSums strings.Builder
	for _, f := range []string{"usr/bin/weld-demo", "usr/share/doc/weld-demo/README"} {
		b, err := os.ReadFile(filepath.Join(x, f))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&wantSums, "%x  %s\n", md5.Sum(b), f)
	}
	if string(sums) != wantSums.String() {
		t.Errorf("md5sums:\n%s\nwant:\n%s", sums, wantSums.String())
	}
	if st, err := os.Stat(filepath.Join(x, "usr/bin/weld-demo")); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("extracted binary: %v %v", st, err)
	}
}
