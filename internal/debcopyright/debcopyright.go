// Package debcopyright reads the license of a Debian package from its
// copyright file (/usr/share/doc/<package>/copyright), as an SPDX
// license expression: from the License fields when the file is
// machine-readable (DEP-5, "Format: .../copyright-format/1.0/"), and
// otherwise from its text, with licensecheck's classifier.
package debcopyright

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/google/licensecheck"
	"pault.ag/go/debian/control"
)

// maxSize bounds the copyright file read: some run to a few hundred
// kilobytes (every license text of a big source package).
const maxSize = 4 << 20

// File returns the license of the copyright file at path, or "" when the
// file cannot be read or names no license weld can express in SPDX.
func File(path string) string {
	fh, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxSize+1))
	if err != nil || len(data) > maxSize {
		return ""
	}
	return License(data)
}

// License returns the SPDX expression of a copyright file's content; ""
// when it names none weld can express. A DEP-5 file's licenses are the
// License fields of its Files paragraphs (those of the packaging, Files:
// debian/*, left out), each translated from Debian's short names, joined
// with AND; a name with no SPDX equivalent is kept as a LicenseRef
// (RefPrefix). Any other file is classified by its text.
func License(data []byte) string {
	if isDEP5(data) {
		if expr, err := dep5License(data); err == nil {
			return expr
		}
		return ""
	}
	return scanned(data)
}

func isDEP5(data []byte) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	return bytes.HasPrefix(first, []byte("Format:")) && bytes.Contains(first, []byte("copyright-format"))
}

var errUnknown = errors.New("not a license expression")

func dep5License(data []byte) (string, error) {
	rd, err := control.NewParagraphReader(bytes.NewReader(data), nil)
	if err != nil {
		return "", err
	}
	exprs := map[string]bool{}
	for i := 0; ; i++ {
		p, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		files, hasFiles := p.Values["Files"]
		lic, hasLicense := p.Values["License"]
		// The header's License is the whole work's; a standalone License
		// paragraph only gives the text of a name used elsewhere.
		if !hasLicense || !hasFiles && i != 0 || hasFiles && onlyPackaging(files) {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimSpace(lic), "\n")
		expr, err := Translate(name)
		if err != nil {
			return "", err
		}
		exprs[expr] = true
	}
	var out []string
	for e := range exprs {
		if len(exprs) > 1 && strings.ContainsAny(e, " ") {
			e = "(" + e + ")"
		}
		out = append(out, e)
	}
	sort.Strings(out)
	return strings.Join(out, " AND "), nil
}

// onlyPackaging says a Files field names only the Debian packaging.
func onlyPackaging(files string) bool {
	for _, f := range strings.Fields(files) {
		if f != "debian" && !strings.HasPrefix(f, "debian/") {
			return false
		}
	}
	return true
}

// shortNames are DEP-5's short license names (lowercased, without a
// version's "+") with their SPDX identifiers. GNU licenses are handled
// by gnuLicense.
var shortNames = map[string]string{
	"apache-2.0": "Apache-2.0", "artistic-1.0": "Artistic-1.0", "artistic-2.0": "Artistic-2.0",
	"bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause", "bsd-4-clause": "BSD-4-Clause",
	"cc0-1.0": "CC0-1.0", "expat": "MIT", "mit": "MIT", "isc": "ISC", "zlib": "Zlib", "libpng": "Libpng",
	"mpl-1.1": "MPL-1.1", "mpl-2.0": "MPL-2.0", "bsl-1.0": "BSL-1.0", "curl": "curl", "ijg": "IJG",
	"x11": "X11", "hpnd": "HPND", "ftl": "FTL", "unicode-dfs-2016": "Unicode-DFS-2016",
}

// exceptions are the license exceptions of GNU toolchain libraries.
var exceptions = map[string]string{
	"gcc-exception-3.1": "GCC-exception-3.1", "gcc-exception-2.0": "GCC-exception-2.0",
	"autoconf-exception-3.0": "Autoconf-exception-3.0", "libtool-exception": "Libtool-exception",
}

// RefPrefix starts the identifier of a license a copyright file names by
// a short name with no SPDX equivalent (public-domain,
// GPL-2+-with-exception): LicenseRef-Debian-<name>, as SPDX allows for
// licenses outside its list. An SBOM declares each such identifier.
const RefPrefix = "LicenseRef-Debian-"

var notRefChars = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// ref is the LicenseRef of a name with no SPDX equivalent.
func ref(name string) string {
	name = strings.ReplaceAll(name, "+", "-or-later")
	return RefPrefix + strings.Trim(notRefChars.ReplaceAllString(name, "-"), "-")
}

// Translate turns a DEP-5 License expression ("GPL-2+ or LGPL-2.1+",
// "GPL-3+ with GCC-exception-3.1 exception") into SPDX; a name with no
// SPDX equivalent becomes a LicenseRef (see RefPrefix). It fails only for
// an expression that is not one (empty, or an operator without operands).
func Translate(name string) (string, error) {
	words := strings.Fields(name)
	var out []string
	prev := "" // the last license name as written
	for i := 0; i < len(words); i++ {
		w := strings.Trim(words[i], ",;")
		switch lw := strings.ToLower(w); {
		case lw == "or" || lw == "and":
			if len(out) == 0 || i == len(words)-1 {
				return "", errUnknown
			}
			out = append(out, strings.ToUpper(lw))
		case lw == "with":
			// "with NAME exception"
			if prev == "" || i+1 >= len(words) {
				return "", errUnknown
			}
			excName := words[i+1]
			i++
			if i+1 < len(words) && strings.ToLower(words[i+1]) == "exception" {
				i++
			}
			if exc, ok := exceptions[strings.ToLower(excName)]; ok {
				out = append(out, "WITH", exc)
			} else {
				out[len(out)-1] = ref(prev + "-with-" + excName + "-exception")
			}
			prev = ""
		default:
			out = append(out, licenseID(w))
			prev = w
		}
	}
	if len(out) == 0 {
		return "", errUnknown
	}
	return strings.Join(out, " "), nil
}

func licenseID(name string) string {
	base, later := strings.CutSuffix(strings.ToLower(name), "+")
	if id, ok := gnuLicense(base, later); ok {
		return id
	}
	id, ok := shortNames[base]
	if !ok {
		return ref(name)
	}
	if later {
		id += "+"
	}
	return id
}

// gnuLicense is GPL-2 → GPL-2.0-only, LGPL-2.1+ → LGPL-2.1-or-later.
func gnuLicense(base string, later bool) (string, bool) {
	for _, family := range []string{"agpl", "lgpl", "gpl", "gfdl"} {
		v, ok := strings.CutPrefix(base, family+"-")
		if !ok {
			continue
		}
		switch v {
		case "1", "2", "3":
			v += ".0"
		case "1.0", "2.0", "2.1", "3.0", "1.1", "1.2", "1.3":
		default:
			return "", false
		}
		suffix := "-only"
		if later {
			suffix = "-or-later"
		}
		return strings.ToUpper(family) + "-" + v + suffix, true
	}
	return "", false
}

var (
	scannerOnce sync.Once
	scanner     *licensecheck.Scanner
)

// scanned classifies a copyright file that is not machine-readable with
// licensecheck's whole set of licenses (a Debian package carries far more
// kinds than Go modules do): every license whose text it finds, joined
// with AND. Such a file is mostly copyright notices, so no share of
// recognised text is required, but references by URL are not counted.
// Preparing the set takes about a second, once per process, and only
// when such a file is read.
func scanned(data []byte) string {
	scannerOnce.Do(func() {
		scanner, _ = licensecheck.NewScanner(licensecheck.BuiltinLicenses())
	})
	if scanner == nil {
		return ""
	}
	ids := map[string]bool{}
	for _, m := range scanner.Scan(data).Match {
		if !m.IsURL {
			ids[m.ID] = true
		}
	}
	var out []string
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return strings.Join(out, " AND ")
}
