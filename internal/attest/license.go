package attest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/google/licensecheck"

	"github.com/weldgo/weld/internal/compose"
)

// licenseFiles are the names a module's license file goes by, matched
// case-insensitively against the files at its root.
var licenseFiles = []string{"license", "licence", "copying", "unlicense"}

// minCoverage is how much of a license file must be recognised license
// text for its licenses to be reported: a file that is mostly something
// else (a notice, a list of authors) says too little to name a license.
const minCoverage = 75

// knownLicenses are the licenses weld recognises: the ones Go modules
// nearly always carry. licensecheck's whole set (over 500) takes most of a
// second to prepare in every weld process; these take milliseconds. A
// license outside them is reported as unknown (NOASSERTION), never
// guessed.
var knownLicenses = map[string]bool{
	"0BSD": true, "AGPL-3.0": true, "Apache-2.0": true, "BlueOak-1.0.0": true, "BSD-2-Clause": true,
	"BSD-3-Clause": true, "BSL-1.0": true, "CC0-1.0": true, "EPL-2.0": true, "GPL-2.0": true, "GPL-3.0": true,
	"ISC": true, "LGPL-2.1": true, "LGPL-3.0": true, "MIT": true, "MPL-2.0": true, "Unlicense": true, "Zlib": true,
}

var (
	scannerOnce sync.Once
	scanner     *licensecheck.Scanner
)

func licenseScanner() *licensecheck.Scanner {
	scannerOnce.Do(func() {
		var known []licensecheck.License
		for _, l := range licensecheck.BuiltinLicenses() {
			if knownLicenses[l.ID] {
				known = append(known, l)
			}
		}
		scanner, _ = licensecheck.NewScanner(known)
	})
	return scanner
}

// LicenseFile is one license file at the root of a module.
type LicenseFile struct {
	Name string // as in the module, e.g. LICENSE
	Text []byte
	// IDs are the SPDX identifiers licensecheck recognises in Text,
	// sorted; nil when too little of the file is recognised license text.
	IDs []string
}

// ModuleLicenseFiles reads the license files at the root of the module in
// dir, sorted by name, and classifies each with licensecheck. Unreadable
// files and files over 1 MiB are left out.
func ModuleLicenseFiles(dir string) []LicenseFile {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []LicenseFile
	for _, e := range entries {
		if e.IsDir() || !isLicenseFile(strings.ToLower(e.Name())) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || len(data) > 1<<20 {
			continue
		}
		f := LicenseFile{Name: e.Name(), Text: data}
		if sc := licenseScanner(); sc != nil {
			if cov := sc.Scan(data); cov.Percent >= minCoverage {
				ids := map[string]bool{}
				for _, m := range cov.Match {
					if !m.IsURL {
						ids[m.ID] = true
					}
				}
				for id := range ids {
					f.IDs = append(f.IDs, id)
				}
				sort.Strings(f.IDs)
			}
		}
		out = append(out, f)
	}
	return out
}

// ModuleLicense detects the licenses of a module from the license files
// at its root, with licensecheck's classifier, as an SPDX expression
// ("MIT", "Apache-2.0 AND BSD-3-Clause"). It returns "" when there is no
// license file or too little of it is recognised.
func ModuleLicense(dir string) string {
	ids := map[string]bool{}
	for _, f := range ModuleLicenseFiles(dir) {
		for _, id := range f.IDs {
			ids[id] = true
		}
	}
	var out []string
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return strings.Join(out, " AND ")
}

func isLicenseFile(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".md"), ".txt")
	for _, l := range licenseFiles {
		if base == l || strings.HasPrefix(base, l+"-") || strings.HasPrefix(base, l+".") {
			return true
		}
	}
	return false
}

// ModuleLicenses detects the license of every module of a composition
// that has a directory, by path@version.
func ModuleLicenses(c *compose.Composition) map[string]string {
	out := map[string]string{}
	for _, m := range c.Modules() {
		if m.Dir != "" {
			if l := ModuleLicense(m.Dir); l != "" {
				out[m.Path+"@"+m.Version] = l
			}
		}
	}
	return out
}
