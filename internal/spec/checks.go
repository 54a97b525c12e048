package spec

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/weldgo/weld/internal/artifact/archive"
	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/target"
)

// reservedBuildEnv are the variables weld sets itself for every go build,
// from the target, the lock or other manifest keys. In build.env they would
// contradict the target or the lock (GOOS=windows in linux/amd64's
// directory), or be silently overridden, so each names the key to use.
var reservedBuildEnv = map[string]string{
	"GOOS":        "weld sets it for each target; list the platform under targets: (for example targets: [windows/amd64]) and pass --target",
	"GOARCH":      "weld sets it for each target; list the platform under targets: (for example targets: [linux/arm64]) and pass --target",
	"GOARM":       "weld sets it from the target; use the target linux/arm/6 or linux/arm/7 under targets:",
	"CGO_ENABLED": "weld sets it from build.cgo; use build.cgo: auto, on or off",
	"GOTOOLCHAIN": "weld.lock pins the Go toolchain and weld selects it; to build with another Go, run weld lock with that go command",
	"GOWORK":      "weld builds the modules that weld.lock pins, never a workspace; use replace: in the manifest to build a local copy of a module",
	"CC":          "weld sets the C compiler for each target; set cc: in the target's entry under targets: (for example - {target: linux/amd64, cc: clang})",
	"CXX":         "weld sets the C++ compiler for each target; set cxx: in the target's entry under targets:",
}

// CheckBuildEnv says what is wrong with a build.env entry NAME=VALUE, or
// "": the same rule for a manifest and for a vendored tree's recorded
// settings, which a person can edit too.
func CheckBuildEnv(entry string) string {
	name, value, _ := strings.Cut(entry, "=")
	return checkBuildEnv(name, value)
}

// checkBuildEnv says what is wrong with a build.env variable, or "".
func checkBuildEnv(name, value string) string {
	if why, ok := reservedBuildEnv[name]; ok {
		return fmt.Sprintf("%s cannot be set here: %s", name, why)
	}
	if name == "GOFLAGS" {
		if flag, why := gobuild.RefusedGOFLAG(value, true); flag != "" {
			return fmt.Sprintf("GOFLAGS sets %s, which weld refuses: %s", flag, why)
		}
	}
	return ""
}

// maxNameLen bounds name and version: they make file and directory names
// (dist/NAME_OS_ARCH/NAME, NAME_VERSION_OS_ARCH.tar.gz), which most file
// systems limit to 255 bytes.
const maxNameLen = 64

var (
	nameRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	versionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+_~-]*$`)
	// queryRE is what a module version or query may hold: a semantic
	// version, a query (latest, >=v1.2.0) or a branch or commit. It may
	// not start with '-', so it can never read as a go command flag.
	queryRE = regexp.MustCompile(`^[A-Za-z0-9<>=][A-Za-z0-9._+~/<>=-]*$`)
)

const maxQueryLen = 128

// checkName says what is wrong with the binary name, or "".
func checkName(name string) string {
	switch {
	case len(name) > maxNameLen:
		return fmt.Sprintf("name %s is %d bytes long; use at most %d, since it names the files and directories weld writes", short(name), len(name), maxNameLen)
	case !nameRE.MatchString(name):
		return fmt.Sprintf("name %s is not a valid file name; use letters, digits, '.', '_' and '-', starting with a letter or digit", short(name))
	}
	return ""
}

// checkVersion says what is wrong with the product version, or "".
func checkVersion(v string) string {
	switch {
	case len(v) > maxNameLen:
		return fmt.Sprintf("version %s is %d bytes long; use at most %d", short(v), len(v), maxNameLen)
	case !versionRE.MatchString(v):
		return fmt.Sprintf("version %s is not a valid product version; use letters, digits, '.', '+', '_', '~' and '-', starting with a letter or digit (for example 1.2.0)", short(v))
	}
	return ""
}

// checkModuleQuery says what is wrong with a module's version, or "".
func checkModuleQuery(v string) string {
	if v == "" || (len(v) <= maxQueryLen && queryRE.MatchString(v)) {
		return ""
	}
	return fmt.Sprintf("%s is not a version or query; use a version such as v1.2.3, a query such as latest or >=v1.2.0, or a branch or commit", short(v))
}

// checkTargetPattern says what is wrong with a plugin's target pattern:
// bad syntax, or no target that weld builds matches it, which would drop
// the plugin from every build.
func checkTargetPattern(pat string) string {
	if !strings.Contains(pat, "/") || !validPattern(pat) {
		return fmt.Sprintf("target pattern %s must look like OS/ARCH, with * as a wildcard (for example linux/*)", short(pat))
	}
	for _, k := range target.KnownNames() {
		if (Plugin{Targets: []string{pat}}).ForTarget(k) {
			return ""
		}
	}
	return fmt.Sprintf("target pattern %s matches no target weld builds, so the plugin would never be built; known targets: %s",
		short(pat), strings.Join(target.KnownNames(), ", "))
}

// checkDeb applies the .deb writer's own rules to the manifest's fields,
// so that a bad package name or version is reported before anything is
// built rather than after.
func checkDeb(name, version string, d *DebOutput) error {
	v, err := deb.VersionFromGo(version)
	if err != nil {
		return err
	}
	files := []archive.File{{Name: "usr/bin/" + name, Mode: 0o755}}
	pkg := deb.Package{Name: d.Package, Version: v, Architecture: "all", Maintainer: d.Maintainer,
		Description: d.Description, Homepage: d.Homepage, Section: d.Section, Files: files}
	if pkg.Name == "" {
		pkg.Name = name
		// Only the name, so that the hint is given for the name alone.
		nameOnly := deb.Package{Name: name, Version: "1", Architecture: "all", Maintainer: "m", Description: "d", Files: files}
		if err := nameOnly.Check(); err != nil {
			return fmt.Errorf("%w (the package name defaults to name:; set outputs.deb.package)", err)
		}
	}
	return pkg.Check()
}

// short quotes s, cut to a length that keeps an error message readable.
func short(s string) string {
	const max = 48
	if len(s) <= max {
		return fmt.Sprintf("%q", s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", s[:cut])
}

func validPattern(p string) bool {
	_, err := path.Match(p, "")
	return err == nil
}
