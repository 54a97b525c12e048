package deb

import (
	"bytes"
	"compress/gzip"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"pault.ag/go/debian/changelog"
	debcontrol "pault.ag/go/debian/control"
)

// TestCopyrightIsDEP5 parses the rendered copyright file back with a
// control-file parser and checks every paragraph DEP-5 requires.
func TestCopyrightIsDEP5(t *testing.T) {
	c := Copyright{UpstreamName: "weld-demo", Source: "https://example.com/weld", Comment: "two modules\nin one binary",
		Files: []CopyrightFiles{
			{Files: []string{"*"}, Copyright: []string{"Copyright 2026 A", "Copyright 2025 B"}, License: "Expat",
				LicenseText: "MIT License\r\n\r\nPermission is hereby granted\n\tindented by a tab\n\n\nend\n", Comment: "the app"},
			{Files: []string{"example.com/lib/*"}, Copyright: []string{"the authors of example.com/lib"}, License: "Apache-2.0",
				LicenseText: "On Debian systems, the full text is in /usr/share/common-licenses/Apache-2.0."},
		}}
	text, err := c.Render()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "\t") || strings.Contains(text, "\r") {
		t.Errorf("copyright file holds a tab or CR:\n%s", text)
	}
	r, err := debcontrol.NewParagraphReader(strings.NewReader(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	paras, err := r.All()
	if err != nil {
		t.Fatalf("parsing:\n%s\n%v", text, err)
	}
	if len(paras) != 3 {
		t.Fatalf("%d paragraphs, want a header and 2 Files paragraphs:\n%s", len(paras), text)
	}
	head := paras[0].Values
	if head["Format"] != CopyrightFormat || head["Upstream-Name"] != "weld-demo" || head["Source"] != "https://example.com/weld" {
		t.Errorf("header paragraph %v", head)
	}
	app := paras[1].Values
	if app["Files"] != "*" || app["Copyright"] != "Copyright 2026 A\nCopyright 2025 B\n" || app["Comment"] != "the app" {
		t.Errorf("first Files paragraph %q", app)
	}
	wantLicense := "Expat\nMIT License\n\nPermission is hereby granted\n        indented by a tab\n\n\nend\n"
	if app["License"] != wantLicense {
		t.Errorf("License = %q, want %q", app["License"], wantLicense)
	}
	if lib := paras[2].Values; lib["Files"] != "example.com/lib/*" || !strings.HasPrefix(lib["License"], "Apache-2.0\nOn Debian systems") {
		t.Errorf("second Files paragraph %q", lib)
	}

	for _, bad := range []struct {
		desc string
		f    []CopyrightFiles
		want string
	}{
		{"no license", []CopyrightFiles{{Files: []string{"*"}, Copyright: []string{"x"}}}, "Files, Copyright and License are required"},
		{"no holder", []CopyrightFiles{{Files: []string{"*"}, License: "Expat"}}, "Files, Copyright and License are required"},
		{"* second", []CopyrightFiles{{Files: []string{"a/*"}, Copyright: []string{"x"}, License: "Expat"}}, "Files: * paragraph must be the first"},
	} {
		if _, err := (Copyright{Files: bad.f}).Render(); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: Render = %v, want %q", bad.desc, err, bad.want)
		}
	}
}

func TestChangelogEntry(t *testing.T) {
	when := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	e := ChangelogEntry{Package: "weld-demo", Version: "1.2.0~rc.1", Maintainer: "Weld Authors <weld@example.com>", Date: when,
		Changes: []string{strings.Repeat("composed from many modules ", 5) + "end."}}
	text := e.Render()
	for _, l := range strings.Split(text, "\n") {
		if len(l) > 80 {
			t.Errorf("line longer than 80 columns: %q", l)
		}
	}
	entries, err := changelog.Parse(strings.NewReader(text))
	if err != nil || len(entries) != 1 {
		t.Fatalf("parsing:\n%s\n%v %v", text, entries, err)
	}
	got := entries[0]
	if got.Source != "weld-demo" || got.Version.String() != "1.2.0~rc.1" || got.Target != "unstable" ||
		got.ChangedBy != "Weld Authors <weld@example.com>" || !got.When.Equal(when) {
		t.Errorf("parsed entry %+v", got)
	}
	if !strings.Contains(text, " -- Weld Authors <weld@example.com>  Tue, 14 Nov 2023 22:13:20 +0000\n") {
		t.Errorf("trailer line (two spaces, RFC 5322 date with the weekday):\n%s", text)
	}
}

func TestChangelogName(t *testing.T) {
	for v, want := range map[string]string{
		"1.0.0": "changelog.gz", "1:2.0~rc.1": "changelog.gz", "1.0.0-1": "changelog.Debian.gz", "2:1.0-0.1": "changelog.Debian.gz",
	} {
		if got := ChangelogName(v); got != want {
			t.Errorf("ChangelogName(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestGzipDoc checks the header gzip -9n writes: no file name, no
// timestamp, the maximum-compression flag (lintian reads it).
func TestGzipDoc(t *testing.T) {
	text := []byte(strings.Repeat("a changelog line\n", 20))
	z := GzipDoc(text)
	if !bytes.Equal(z, GzipDoc(text)) {
		t.Error("two compressions differ")
	}
	if z[3] != 0 || !bytes.Equal(z[4:8], []byte{0, 0, 0, 0}) || z[8] != 2 {
		t.Errorf("gzip header flags %#x, mtime % x, xfl %d; want no name, mtime 0, xfl 2", z[3], z[4:8], z[8])
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(back, text) {
		t.Errorf("round trip: %q, %v", back, err)
	}
}

func TestWrap(t *testing.T) {
	for _, tt := range []struct {
		text  string
		width int
		want  []string
	}{
		{"", 10, nil},
		{"a b c", 10, []string{"a b c"}},
		{"aaaa bbbb cccc", 9, []string{"aaaa bbbb", "cccc"}},
		{"short averyveryverylongword x", 8, []string{"short", "averyveryverylongword", "x"}},
		{"  spaced   out\n text ", 80, []string{"spaced out text"}},
	} {
		if got := Wrap(tt.text, tt.width); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}
