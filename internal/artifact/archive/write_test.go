package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/artifact/internal/tooltest"
)

var mtime = time.Date(2026, 11, 25, 15, 34, 52, 0, time.UTC)

// sample returns the files of a Windows-style release, unsorted, with one
// read from disk.
func sample(t *testing.T) []File {
	t.Helper()
	src := filepath.Join(t.TempDir(), "readme.txt")
	if err := os.WriteFile(src, []byte("read me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return []File{
		{Name: "app_1.0.0_windows_amd64/libstdc++-6.dll", Mode: 0o644, Data: bytes.Repeat([]byte("dll"), 1000)},
		{Name: "app_1.0.0_windows_amd64/app.exe", Mode: 0o700, Data: []byte("MZ fake exe")},
		{Name: "app_1.0.0_windows_amd64/README.txt", Src: src},
		Dir("app_1.0.0_windows_amd64"),
		{Name: "app_1.0.0_windows_amd64/empty", Data: []byte{}},
	}
}

type writeFunc func(io.Writer, []File, time.Time) error

func write(t *testing.T, fn writeFunc, files []File, mt time.Time) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf, files, mt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterministic(t *testing.T) {
	for name, fn := range map[string]writeFunc{"zip": WriteZip, "tar.gz": WriteTarGz, "tar": WriteTar} {
		t.Run(name, func(t *testing.T) {
			files := sample(t)
			a := write(t, fn, files, mtime)
			// Reversed input order, same contents from a different file on
			// disk, and the same instant in another location.
			rev := sample(t)
			for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
				rev[i], rev[j] = rev[j], rev[i]
			}
			b := write(t, fn, rev, mtime.In(time.FixedZone("UTC+5", 5*3600)).Add(300*time.Millisecond))
			if !bytes.Equal(a, b) {
				t.Fatalf("two runs differ (%d vs %d bytes)", len(a), len(b))
			}
			if c := write(t, fn, files, mtime.Add(time.Hour)); bytes.Equal(a, c) {
				t.Fatal("the mtime does not reach the archive")
			}
		})
	}
}

func TestTarGzHeaders(t *testing.T) {
	data := write(t, WriteTarGz, sample(t), mtime)
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || zr.Comment != "" || !zr.ModTime.IsZero() || zr.OS != 255 || zr.Extra != nil {
		t.Errorf("gzip header = %+v, want no name, comment, mtime or extra, OS 255", zr.Header)
	}
	tr := tar.NewReader(zr)
	want := map[string]int64{
		"app_1.0.0_windows_amd64/":                0o755,
		"app_1.0.0_windows_amd64/README.txt":      0o644,
		"app_1.0.0_windows_amd64/app.exe":         0o755,
		"app_1.0.0_windows_amd64/empty":           0o644,
		"app_1.0.0_windows_amd64/libstdc++-6.dll": 0o644,
	}
	var order []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, h.Name)
		if h.Mode != want[h.Name] || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" ||
			!h.ModTime.Equal(mtime) || h.Format != tar.FormatUSTAR || len(h.PAXRecords) != 0 {
			t.Errorf("%s: mode %o uid %d gid %d uname %q gname %q mtime %v format %v pax %v",
				h.Name, h.Mode, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime, h.Format, h.PAXRecords)
		}
		if h.Name == "app_1.0.0_windows_amd64/README.txt" {
			if b, _ := io.ReadAll(tr); string(b) != "read me\n" {
				t.Errorf("README.txt = %q", b)
			}
		}
	}
	if len(order) != len(want) || !strings.HasSuffix(order[0], "/") {
		t.Errorf("entries %q, want the %d of %v with the directory first", order, len(want), want)
	}
}

func TestZipHeaders(t *testing.T) {
	data := write(t, WriteZip, sample(t), mtime)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]fs.FileMode{
		"app_1.0.0_windows_amd64/":                fs.ModeDir | 0o755,
		"app_1.0.0_windows_amd64/README.txt":      0o644,
		"app_1.0.0_windows_amd64/app.exe":         0o755,
		"app_1.0.0_windows_amd64/empty":           0o644,
		"app_1.0.0_windows_amd64/libstdc++-6.dll": 0o644,
	}
	if len(zr.File) != len(want) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(want))
	}
	for _, f := range zr.File {
		if f.Mode() != want[f.Name] || len(f.Extra) != 0 || !f.Modified.Equal(mtime) || f.Comment != "" {
			t.Errorf("%s: mode %v extra %x modified %v", f.Name, f.Mode(), f.Extra, f.Modified)
		}
	}
	// Local headers carry no extra field either: the extra length at
	// offset 28 of every local file header is zero.
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("PK\x03\x04"))
		if j < 0 {
			break
		}
		i += j
		if extra := int(data[i+28]) | int(data[i+29])<<8; extra != 0 {
			t.Errorf("local header at %d has %d bytes of extra fields", i, extra)
		}
		i += 4
	}
}

func TestZipBefore1980(t *testing.T) {
	data := write(t, WriteZip, []File{{Name: "a", Data: []byte("a")}}, time.Unix(0, 0))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := zr.File[0].Modified; !got.Equal(zipEpoch) {
		t.Errorf("Modified = %v, want %v", got, zipEpoch)
	}
	var buf bytes.Buffer
	if err := WriteZip(&buf, nil, time.Date(2108, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil || !strings.Contains(err.Error(), "2107") {
		t.Errorf("WriteZip(2108) = %v, want an error about 2107", err)
	}
}

func TestWriteErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	for name, fn := range map[string]writeFunc{"zip": WriteZip, "tar.gz": WriteTarGz} {
		var buf bytes.Buffer
		err := fn(&buf, []File{{Name: "bin/x", Src: missing}}, mtime)
		if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "bin/x") {
			t.Errorf("%s: %v, want an error naming %s and bin/x", name, err, missing)
		}
		err = fn(&buf, []File{{Name: "a"}, {Name: "a"}}, mtime)
		if err == nil || !strings.Contains(err.Error(), `"a"`) {
			t.Errorf("%s: duplicate: %v", name, err)
		}
	}
}

// TestRealTools reads the archives with unzip and GNU tar and checks what
// they report and extract.
func TestRealTools(t *testing.T) {
	tooltest.Need(t, "unzip", "tar")
	dir := t.TempDir()
	zipPath, tgzPath := filepath.Join(dir, "a.zip"), filepath.Join(dir, "a.tar.gz")
	if err := os.WriteFile(zipPath, write(t, WriteZip, sample(t), mtime), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tgzPath, write(t, WriteTarGz, sample(t), mtime), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(dir string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TZ=UTC", "LC_ALL=C")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	out := run(dir, "unzip", "-l", zipPath)
	for _, re := range []string{
		`(?m)^\s+11\s+2026-11-25 15:34\s+app_1.0.0_windows_amd64/app.exe$`,
		`(?m)^\s+3000\s+2026-11-25 15:34\s+app_1.0.0_windows_amd64/libstdc\+\+-6.dll$`,
		`(?m)^\s+3019\s+5 files$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("unzip -l output does not match %s:\n%s", re, out)
		}
	}
	out = run(dir, "unzip", "-Z", "-l", zipPath)
	if !regexp.MustCompile(`(?m)^-rwxr-xr-x\s+2\.0 unx\s+11 b.*app\.exe$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^-rw-r--r--\s+2\.0 unx\s+8 b.*README\.txt$`).MatchString(out) {
		t.Errorf("zipinfo does not show unix modes:\n%s", out)
	}
	out = run(dir, "tar", "tvzf", tgzPath)
	for _, re := range []string{
		`(?m)^drwxr-xr-x 0/0\s+0 2026-11-25 15:34 app_1.0.0_windows_amd64/$`,
		`(?m)^-rwxr-xr-x 0/0\s+11 2026-11-25 15:34 app_1.0.0_windows_amd64/app.exe$`,
		`(?m)^-rw-r--r-- 0/0\s+8 2026-11-25 15:34 app_1.0.0_windows_amd64/README.txt$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("tar tvzf output does not match %s:\n%s", re, out)
		}
	}

	// Extract both and compare what lands on disk.
	for _, x := range []struct {
		name, cmd string
		args      []string
	}{
		{"unzip", "unzip", []string{"-q", zipPath}},
		{"tar", "tar", []string{"xzf", tgzPath}},
	} {
		xdir := filepath.Join(dir, x.name)
		if err := os.Mkdir(xdir, 0o755); err != nil {
			t.Fatal(err)
		}
		run(xdir, x.cmd, x.args...)
		st, err := os.Stat(filepath.Join(xdir, "app_1.0.0_windows_amd64/app.exe"))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o100 == 0 || !st.ModTime().Equal(mtime) {
			t.Errorf("%s: app.exe extracted with mode %v mtime %v", x.name, st.Mode(), st.ModTime().UTC())
		}
	}
}
