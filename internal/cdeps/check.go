package cdeps

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Library is the result of looking up one pkg-config module.
type Library struct {
	Name    string `json:"name"`
	Found   bool   `json:"found"`
	Version string `json:"version,omitempty"`
	Cflags  string `json:"cflags,omitempty"`
	Libs    string `json:"libs,omitempty"`
	// Problem says why the library was not found.
	Problem string `json:"problem,omitempty"`
}

// PkgConfig runs pkg-config for one target.
type PkgConfig struct {
	// Cmd is the pkg-config program; "pkg-config" when empty.
	Cmd string
	// Env is the environment pkg-config runs with (PKG_CONFIG_PATH,
	// PKG_CONFIG_LIBDIR, PKG_CONFIG_SYSROOT_DIR for a target's sysroot).
	Env []string
}

// Lookup asks pkg-config for a module's version and flags.
func (pc PkgConfig) Lookup(ctx context.Context, name string) Library {
	lib := Library{Name: name}
	cmd := pc.Cmd
	if cmd == "" {
		cmd = "pkg-config"
	}
	if _, err := exec.LookPath(cmd); err != nil {
		lib.Problem = fmt.Sprintf("%s is not installed", cmd)
		return lib
	}
	run := func(flag string) (string, error) {
		c := exec.CommandContext(ctx, cmd, flag, name)
		c.Env = pc.Env
		var stdout, stderr bytes.Buffer
		c.Stdout, c.Stderr = &stdout, &stderr
		if err := c.Run(); err != nil {
			return "", fmt.Errorf("%s", firstLine(stderr.String(), err.Error()))
		}
		return strings.TrimSpace(stdout.String()), nil
	}
	var err error
	if lib.Version, err = run("--modversion"); err != nil {
		// pkg-config names the module it could not find: this one, or
		// one that its .pc file requires.
		lib.Problem = "not found"
		if msg := err.Error(); !strings.Contains(msg, "'"+name+"'") && !strings.Contains(msg, "Package "+name+" was not found") {
			lib.Problem = msg
		}
		return lib
	}
	if lib.Cflags, err = run("--cflags"); err != nil {
		lib.Problem = err.Error()
		return lib
	}
	if lib.Libs, err = run("--libs"); err != nil {
		lib.Problem = err.Error()
		return lib
	}
	lib.Found = true
	return lib
}

func firstLine(s, fallback string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return fallback
	}
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// debianDevPackages maps pkg-config module names to the Debian package
// that ships their .pc file. It lists only pairs checked against Debian's
// package contents, because a wrong hint is worse than none.
var debianDevPackages = map[string]string{
	"cairo":       "libcairo2-dev",
	"cairo-png":   "libcairo2-dev",
	"zlib":        "zlib1g-dev",
	"sqlite3":     "libsqlite3-dev",
	"libpng":      "libpng-dev",
	"libpng16":    "libpng-dev",
	"glib-2.0":    "libglib2.0-dev",
	"gtk+-3.0":    "libgtk-3-dev",
	"x11":         "libx11-dev",
	"libxml-2.0":  "libxml2-dev",
	"libzstd":     "libzstd-dev",
	"openssl":     "libssl-dev",
	"libssl":      "libssl-dev",
	"libcrypto":   "libssl-dev",
	"pangocairo":  "libpango1.0-dev",
	"freetype2":   "libfreetype-dev",
	"libusb-1.0":  "libusb-1.0-0-dev",
	"alsa":        "libasound2-dev",
	"libjpeg":     "libjpeg-dev",
	"liblzma":     "liblzma-dev",
	"libsystemd":  "libsystemd-dev",
	"libpcap":     "libpcap-dev",
	"vips":        "libvips-dev",
	"libavcodec":  "libavcodec-dev",
	"libavformat": "libavformat-dev",
}

// DebianDevPackage returns the Debian package that ships a pkg-config
// module's .pc file, when it is known.
func DebianDevPackage(name string) (string, bool) {
	pkg, ok := debianDevPackages[name]
	return pkg, ok
}

// DebianHint returns "; on Debian: apt-get install PKG" for a pkg-config
// module, when this host is Debian-family and the package is known.
func DebianHint(name string) string {
	pkg, ok := debianDevPackages[name]
	if !ok || !isDebianHost() {
		return ""
	}
	return "; on Debian: apt-get install " + pkg
}

func isDebianHost() bool {
	_, err := os.Stat("/etc/debian_version")
	return err == nil
}
