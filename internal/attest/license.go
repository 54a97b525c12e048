package attest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/licensecheck"
)

// licenseFiles are the names a module's license file goes by, matched
// case-insensitively against the files at its root.
var licenseFiles = []string{"license", "licence", "copying", "unlicense"}

// minCoverage is how much of a license file must be recognised license
// text for its licenses to be reported: a file that is mostly something
// else (a notice, a list of authors) says too little to name a license.
const minCoverage = 75

// ModuleLicense detects the licenses of a module from the license files
// at its root, with licensecheck's classifier, as an SPDX expression
// ("MIT", "Apache-2.0 AND BSD-3-Clause"). It returns "" when there is no
// license file or too little of it is recognised.
func ModuleLicense(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	ids := map[string]bool{}
	for _, e := range entries {
		name := strings.ToLower(e.Name())
		if e.IsDir() || !isLicenseFile(name) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || len(data) > 1<<20 {
			continue
		}
		cov := licensecheck.Scan(data)
		if cov.Percent < minCoverage {
			continue
		}
		for _, m := range cov.Match {
			if !m.IsURL {
				ids[m.ID] = true
			}
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
