package deb

import (
	"fmt"
	"strings"
)

// CompareVersions compares two Debian versions as dpkg does
// (dpkg --compare-versions): epochs numerically, then upstream version and
// revision with dpkg's ordering, in which "~" sorts before everything,
// even the end of the string, letters before other characters, and digit
// runs compare numerically. It returns -1, 0 or +1. Malformed versions are
// compared as written; use CheckVersion to reject them.
func CompareVersions(a, b string) int {
	ae, au, ar := splitVersion(a)
	be, bu, br := splitVersion(b)
	if c := verrevcmp(ae, be); c != 0 {
		return c
	}
	if c := verrevcmp(au, bu); c != 0 {
		return c
	}
	return verrevcmp(ar, br)
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

// order is dpkg's character weight; the end of the string weighs 0.
func order(s string, i int) int {
	switch {
	case i >= len(s) || isDigit(s[i]):
		return 0
	case isAlpha(s[i]):
		return int(s[i])
	case s[i] == '~':
		return -1
	}
	return int(s[i]) + 256
}

// verrevcmp is dpkg's lib/dpkg/version.c verrevcmp.
func verrevcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		firstDiff := 0
		for i < len(a) && !isDigit(a[i]) || j < len(b) && !isDigit(b[j]) {
			ac, bc := order(a, i), order(b, j)
			if ac != bc {
				return sign(ac - bc)
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		for i < len(a) && isDigit(a[i]) && j < len(b) && isDigit(b[j]) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if firstDiff != 0 {
			return sign(firstDiff)
		}
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

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
