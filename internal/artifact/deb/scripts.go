package deb

import (
	"fmt"
	"regexp"
	"strings"
)

// Setup is what a package's maintainer scripts set up on the system: a
// system user and group to run as, and a systemd unit that is enabled
// and started on install, stopped on removal and forgotten on purge.
type Setup struct {
	Unit  string // unit name, e.g. "imgserver.service"; "" for none
	User  string // system user created on configure; "" for none
	Group string // its primary group; the user's name when only User is set
}

// systemNameRE is adduser's default rule for system user and group names
// (NAME_REGEX_SYSTEM in adduser.conf), at most 32 bytes long.
var systemNameRE = regexp.MustCompile(`^[a-z_][-a-z0-9_]{0,31}$`)

// unitNameRE is a systemd service name (systemd.unit(5)).
var unitNameRE = regexp.MustCompile(`^[A-Za-z0-9:_.\\-]+\.service$`)

// CheckSystemName says what is wrong with a user or group name, or "".
func CheckSystemName(name string) string {
	switch {
	case name == "root":
		return "root exists already; leave user: and group: out to run as root"
	case !systemNameRE.MatchString(name):
		return fmt.Sprintf("%q is not a system user or group name: use at most 32 of a-z, 0-9, '_' and '-', starting with a letter or '_'", name)
	}
	return ""
}

// Check validates the names that go into the scripts.
func (s Setup) Check() error {
	if s.Unit != "" && !unitNameRE.MatchString(s.Unit) {
		return fmt.Errorf("systemd unit %q: want NAME.service with NAME of letters, digits, ':', '_', '.' and '-'", s.Unit)
	}
	for _, n := range []string{s.User, s.Group} {
		if n != "" {
			if msg := CheckSystemName(n); msg != "" {
				return fmt.Errorf("%s", msg)
			}
		}
	}
	return nil
}

// Scripts returns the postinst, prerm and postrm that do s, in the form
// debhelper's dh_installsystemd and adduser users write them. Every
// systemd step is guarded so that the package installs and removes on a
// system without systemd (a container, a chroot): deb-systemd-helper only
// when installed, starting and stopping only when systemd runs. The user
// and group are never removed: files they own may outlive the package.
func (s Setup) Scripts() (postinst, prerm, postrm string) {
	if s.Unit == "" && s.User == "" && s.Group == "" {
		return "", "", ""
	}
	const head = "#!/bin/sh\nset -e\n\n"
	configure := `[ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ]`
	var pi strings.Builder
	pi.WriteString(head)
	if s.User != "" || s.Group != "" {
		pi.WriteString(s.accounts())
	}
	if s.Unit == "" {
		return pi.String(), "", ""
	}
	u := shellQuote(s.Unit)
	fmt.Fprintf(&pi, `if %s ; then
	if command -v deb-systemd-helper >/dev/null; then
		# Only removes a mask that deb-systemd-helper made on removal.
		deb-systemd-helper unmask %s >/dev/null || true
		# was-enabled is true on a new installation, which enables the unit.
		if deb-systemd-helper --quiet was-enabled %s; then
			deb-systemd-helper enable %s >/dev/null || true
		else
			deb-systemd-helper update-state %s >/dev/null || true
		fi
	fi
	if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
		if [ -n "$2" ]; then
			_action=restart
		else
			_action=start
		fi
		deb-systemd-invoke $_action %s >/dev/null || true
	fi
fi
`, configure, u, u, u, u, u)
	prerm = head + fmt.Sprintf(`if [ -z "${DPKG_ROOT:-}" ] && [ "$1" = remove ] && [ -d /run/systemd/system ] ; then
	deb-systemd-invoke stop %s >/dev/null || true
fi
`, u)
	postrm = head + fmt.Sprintf(`if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ] ; then
	systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = "remove" ] && command -v deb-systemd-helper >/dev/null; then
	deb-systemd-helper mask %s >/dev/null || true
fi
if [ "$1" = "purge" ] && command -v deb-systemd-helper >/dev/null; then
	deb-systemd-helper purge %s >/dev/null || true
	deb-systemd-helper unmask %s >/dev/null || true
fi
`, u, u, u)
	return pi.String(), prerm, postrm
}

// accounts is the postinst step that creates the system group and user
// on configure, unless they exist.
func (s Setup) accounts() string {
	group := s.Group
	if group == "" {
		group = s.User
	}
	g := shellQuote(group)
	var b strings.Builder
	b.WriteString("if [ \"$1\" = \"configure\" ]; then\n")
	fmt.Fprintf(&b, "\tif ! getent group %s >/dev/null; then\n\t\taddgroup --system --quiet %s >/dev/null\n\tfi\n", g, g)
	if s.User != "" {
		u := shellQuote(s.User)
		fmt.Fprintf(&b, "\tif ! getent passwd %s >/dev/null; then\n", u)
		fmt.Fprintf(&b, "\t\tadduser --system --quiet --ingroup %s --home /nonexistent --no-create-home --shell /usr/sbin/nologin %s >/dev/null\n\tfi\n", g, u)
	}
	b.WriteString("fi\n\n")
	return b.String()
}

// shellQuote quotes s for sh. Names reaching it are checked, so this is a
// second line of defence.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
