package nix

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/cdeps"
)

// pkgConfigAttrs maps pkg-config module names, as plugins write them in
// #cgo pkg-config lines, to the nixpkgs attribute that provides them. An
// empty attribute means the library comes with the compiler or libc.
// Users extend the table with --nix-attr NAME=ATTR; docs/nix.md lists it.
var pkgConfigAttrs = map[string]string{
	"alsa":          "alsa-lib",
	"cairo":         "cairo",
	"cairo-gobject": "cairo",
	"cairo-pdf":     "cairo",
	"cairo-png":     "cairo",
	"cairo-svg":     "cairo",
	"egl":           "libGL",
	"fontconfig":    "fontconfig",
	"freetype2":     "freetype",
	"gio-2.0":       "glib",
	"gl":            "libGL",
	"glib-2.0":      "glib",
	"gobject-2.0":   "glib",
	"gtk+-3.0":      "gtk3",
	"gtk4":          "gtk4",
	"libcrypto":     "openssl",
	"libcurl":       "curl",
	"libgit2":       "libgit2",
	"libjpeg":       "libjpeg",
	"libpng":        "libpng",
	"libpng16":      "libpng",
	"libsodium":     "libsodium",
	"libssl":        "openssl",
	"libsystemd":    "systemd",
	"libudev":       "systemd",
	"libusb-1.0":    "libusb1",
	"libwebp":       "libwebp",
	"libxml-2.0":    "libxml2",
	"libzmq":        "zeromq",
	"libzstd":       "zstd",
	"openssl":       "openssl",
	"pango":         "pango",
	"pangocairo":    "pango",
	"sdl2":          "SDL2",
	"sqlite3":       "sqlite",
	"vips":          "vips",
	"x11":           "xorg.libX11",
	"zlib":          "zlib",
}

// linkerAttrs maps libraries named by -l flags in #cgo LDFLAGS lines.
var linkerAttrs = map[string]string{
	// libc and the compiler's own libraries: stdenv has them.
	"c": "", "m": "", "dl": "", "pthread": "", "rt": "", "util": "", "resolv": "",
	"stdc++": "", "gcc_s": "", "atomic": "",
	"asound": "alsa-lib", "cairo": "cairo", "crypto": "openssl", "curl": "curl",
	"GL": "libGL", "jpeg": "libjpeg", "pcap": "libpcap", "png": "libpng",
	"sqlite3": "sqlite", "ssl": "openssl", "usb-1.0": "libusb1", "X11": "xorg.libX11",
	"z": "zlib", "zstd": "zstd",
}

// attrPath is a nixpkgs attribute path such as cairo or xorg.libX11.
var attrPath = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_'-]*(\.[A-Za-z_][A-Za-z0-9_'-]*)*$`)

// Attrs is the mapping table with the user's additions.
type Attrs struct {
	extra map[string]string
}

// ParseAttrs reads --nix-attr values, NAME=ATTR, where NAME is a
// pkg-config module or a -l library and ATTR a nixpkgs attribute path, or
// empty for a library that stdenv already provides.
func ParseAttrs(values []string) (Attrs, error) {
	a := Attrs{extra: map[string]string{}}
	for _, v := range values {
		name, attr, ok := strings.Cut(v, "=")
		name, attr = strings.TrimSpace(name), strings.TrimSpace(attr)
		if !ok || name == "" {
			return a, fmt.Errorf("--nix-attr %q: want NAME=ATTR, e.g. --nix-attr cairo=cairo", v)
		}
		if attr != "" && !attrPath.MatchString(attr) {
			return a, fmt.Errorf("--nix-attr %q: %q is not a nixpkgs attribute path such as cairo or xorg.libX11", v, attr)
		}
		a.extra[name] = attr
	}
	return a, nil
}

// lookup returns the attribute for a library, from the user's additions
// first.
func (a Attrs) lookup(name string, table map[string]string) (string, bool) {
	if attr, ok := a.extra[name]; ok {
		return attr, true
	}
	attr, ok := table[name]
	return attr, ok
}

// CInputs is what a composition's C needs become in the flake.
type CInputs struct {
	// BuildInputs are nixpkgs attribute paths, sorted and unique.
	BuildInputs []string
	// PkgConfig is true when some package asks pkg-config, which then goes
	// into nativeBuildInputs.
	PkgConfig bool
}

// Map turns the C needs of the app and plugins into nixpkgs attributes. A
// library the table does not know is an error naming who needs it and
// how to map it: leaving it out would give a flake that fails to build.
func (a Attrs) Map(needs []cdeps.Need) (CInputs, error) {
	var in CInputs
	seen := map[string]bool{}
	add := func(attr string) {
		if attr != "" && !seen[attr] {
			seen[attr] = true
			in.BuildInputs = append(in.BuildInputs, attr)
		}
	}
	var unknown []string
	for _, n := range needs {
		who := fmt.Sprintf("%s %s", n.Owner.Kind, n.Owner.Module)
		if n.Owner.Pos != "" {
			who = n.Owner.Pos + ": " + who
		}
		for _, name := range n.PkgConfig {
			in.PkgConfig = true
			attr, ok := a.lookup(name, pkgConfigAttrs)
			if !ok {
				unknown = append(unknown, fmt.Sprintf("%s needs C library %q (pkg-config), which weld cannot map to a nixpkgs attribute; add %s: ATTR under nix: attrs: in the manifest, or pass --nix-attr %s=ATTR (ATTR as in pkgs.ATTR; empty if stdenv provides it)", who, name, name, name))
				continue
			}
			add(attr)
		}
		for _, lib := range n.Libs {
			attr, ok := a.lookup(lib, linkerAttrs)
			if !ok {
				unknown = append(unknown, fmt.Sprintf("%s needs C library %q (linker flag -l%s), which weld cannot map to a nixpkgs attribute; add %s: ATTR under nix: attrs: in the manifest, or pass --nix-attr %s=ATTR (ATTR as in pkgs.ATTR; empty if stdenv provides it)", who, lib, lib, lib, lib))
				continue
			}
			add(attr)
		}
	}
	if len(unknown) > 0 {
		return in, fmt.Errorf("%s", strings.Join(unknown, "\n"))
	}
	sort.Strings(in.BuildInputs)
	return in, nil
}
