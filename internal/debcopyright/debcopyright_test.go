package debcopyright

import (
	"os"
	"testing"
)

func TestTranslate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zlib", "Zlib"},
		{"Expat", "MIT"},
		{"BSD-3-clause", "BSD-3-Clause"},
		{"GPL-2", "GPL-2.0-only"},
		{"GPL-2+", "GPL-2.0-or-later"},
		{"LGPL-2.1+", "LGPL-2.1-or-later"},
		{"LGPL-2.1 or MPL-1.1", "LGPL-2.1-only OR MPL-1.1"},
		{"GPL-2+ and BSD-3-clause", "GPL-2.0-or-later AND BSD-3-Clause"},
		{"GPL-3+ with GCC-exception-3.1 exception", "GPL-3.0-or-later WITH GCC-exception-3.1"},
		{"MPL-1.1+", "MPL-1.1+"},
		{"public-domain", "LicenseRef-Debian-public-domain"},
		{"GPL-2+ or public-domain", "GPL-2.0-or-later OR LicenseRef-Debian-public-domain"},
		{"GPL-2 with Some-exception exception", "LicenseRef-Debian-GPL-2-with-Some-exception-exception"},
		{"GPL-2+-with-exception", "LicenseRef-Debian-GPL-2-or-later-with-exception"},
		{"or GPL-2", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := Translate(tt.in)
		if (err != nil) != (tt.want == "") || got != tt.want {
			t.Errorf("Translate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

const dep5Head = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: x\n"

func TestLicense(t *testing.T) {
	tests := []struct{ description, in, want string }{
		{"files paragraphs, packaging left out, standalone texts ignored",
			dep5Head + "\nFiles: *\nCopyright: a\nLicense: LGPL-2.1+\n\nFiles: src/compat/*\nCopyright: b\nLicense: Expat\n\nFiles: debian/*\nCopyright: c\nLicense: GPL-2+\n\nLicense: LGPL-2.1+\n On Debian systems the text is in /usr/share/common-licenses.\n",
			"LGPL-2.1-or-later AND MIT"},
		{"a compound expression is grouped",
			dep5Head + "\nFiles: *\nCopyright: a\nLicense: GPL-2+ or MPL-1.1\n\nFiles: b/*\nCopyright: b\nLicense: Zlib\n",
			"(GPL-2.0-or-later OR MPL-1.1) AND Zlib"},
		{"the header's license",
			dep5Head + "License: ISC\n\nFiles: *\nCopyright: a\nLicense: ISC\n", "ISC"},
		{"a name with no SPDX equivalent is a LicenseRef",
			dep5Head + "\nFiles: *\nCopyright: a\nLicense: Zlib\n\nFiles: b/*\nCopyright: b\nLicense: public-domain\n", "LicenseRef-Debian-public-domain AND Zlib"},
		{"not machine-readable, no license text", "This package was debianized by someone.\nCopyright 2001 Someone\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := License([]byte(tt.in)); got != tt.want {
				t.Errorf("License = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRealCopyrightFiles reads two of Debian 12's copyright files (copied
// from the packages): zlib1g's is DEP-5; libcairo2's is free text, which
// names LGPL-2.1 only by reference (/usr/share/common-licenses/LGPL-2.1)
// and carries the texts of the MPL 1.1 and of an HPND variant, which is
// what licensecheck finds.
func TestRealCopyrightFiles(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/zlib1g.copyright":    "Zlib",
		"testdata/libcairo2.copyright": "HPND-sell-variant AND MPL-1.1",
	} {
		if _, err := os.Stat(file); err != nil {
			t.Fatal(err)
		}
		if got := File(file); got != want {
			t.Errorf("File(%s) = %q, want %q", file, got, want)
		}
	}
	if got := File("testdata/missing"); got != "" {
		t.Errorf("File of a missing file = %q", got)
	}
}
