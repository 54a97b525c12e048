package deb

import (
	"fmt"
	"strconv"
	"strings"

	"pault.ag/go/debian/version"
)

// CompareVersions compares two Debian versions as dpkg does
// (dpkg --compare-versions), with pault.ag/go/debian's implementation of
// dpkg's ordering. It returns -1, 0 or +1. Malformed versions are compared
// as written (a non-numeric epoch as 0); use CheckVersion to reject them.
func CompareVersions(a, b string) int {
	switch c := version.Compare(parseLoosely(a), parseLoosely(b)); {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// parseLoosely splits v as dpkg does without validating it.
func parseLoosely(v string) version.Version {
	epoch, upstream, revision := splitVersion(v)
	n, _ := strconv.ParseUint(epoch, 10, 0)
	return version.Version{Epoch: uint(n), Version: upstream, Revision: revision}
}

// splitVersion returns epoch, upstream version and revision ("" when
// absent, which compares equal to "0").
func splitVersion(v string) (epoch, upstream, revision string) {
	if i := strings.IndexByte(v, ':'); i >= 0 {
		epoch, v = v[:i], v[i+1:]
	}
	if i := strings.LastIndexByte(v, '-'); i >= 0 {
		v, revision = v[:i], v[i+1:]
	}
	return epoch, v, revision
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// CheckVersion reports whether v is a valid Debian version:
// [epoch:]upstream[-revision], the epoch digits, the upstream version
// starting with a digit and made of letters, digits and ".+~-", the
// revision of letters, digits and ".+~".
func CheckVersion(v string) error {
	epoch, up, rev := splitVersion(v)
	bad := func(why string) error { return fmt.Errorf("debian version %q: %s", v, why) }
	if strings.Contains(v, ":") {
		if epoch == "" || strings.Trim(epoch, "0123456789") != "" {
			return bad("the epoch before ':' must be a number")
		}
		if strings.Contains(up+rev, ":") {
			return bad("only one ':' (after the epoch) is allowed")
		}
	}
	if up == "" || !isDigit(up[0]) {
		return bad("the upstream version must start with a digit")
	}
	if strings.Contains(v, "-") && rev == "" {
		return bad("the revision after the last '-' is empty")
	}
	for _, c := range []byte(up) {
		if !isDigit(c) && !isAlpha(c) && !strings.ContainsRune(".+~-", rune(c)) {
			return bad(fmt.Sprintf("character %q is not allowed in the upstream version", c))
		}
	}
	for _, c := range []byte(rev) {
		if !isDigit(c) && !isAlpha(c) && !strings.ContainsRune(".+~", rune(c)) {
			return bad(fmt.Sprintf("character %q is not allowed in the revision", c))
		}
	}
	return nil
}

// VersionFromGo turns a Go module or semantic version into a Debian
// version that sorts the same way: the leading "v" goes, and the hyphen
// before a pre-release becomes "~" (so 1.2.0~rc.1 sorts before 1.2.0), with
// any further hyphens in the pre-release (pseudo-versions) becoming ".".
// Build metadata after "+" is kept. "1.0.0" stays "1.0.0": no Debian
// revision is added.
func VersionFromGo(v string) (string, error) {
	s := strings.TrimPrefix(v, "v")
	core, build, hasBuild := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	out := core
	if hasPre {
		out += "~" + strings.ReplaceAll(pre, "-", ".")
	}
	if hasBuild {
		out += "+" + build
	}
	if err := CheckVersion(out); err != nil {
		return "", fmt.Errorf("converting version %q for Debian: %w", v, err)
	}
	return out, nil
}
