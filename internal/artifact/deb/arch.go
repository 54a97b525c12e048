package deb

import (
	"fmt"
	"strings"
)

// DebianArch returns the Debian architecture for a Go target.
//
// GOARCH=arm needs a decision, because Go and Debian slice ARM differently.
// Debian's armhf is the hard-float EABI; Debian builds it for ARMv7, and
// Raspberry Pi OS uses the same name for ARMv6 with VFP. Debian's armel is
// the soft-float EABI, ARMv5TE and later. So:
//
//   - GOARM=7 (and the default, which is 7 when cross-compiling) → armhf;
//   - GOARM=6 → armhf as well: ARMv6 code runs on every armhf system,
//     Debian's and Raspberry Pi OS's. (The Go part, that is: a cgo binary
//     built with Debian's arm-linux-gnueabihf-gcc contains ARMv7 C code
//     whatever GOARM says, and then runs only on ARMv7.)
//   - GOARM=5 → armel: Go's GOARM=5 uses software floating point, which is
//     what armel systems need.
//
// A ",softfloat" or ",hardfloat" suffix (Go 1.22+) changes only how Go code
// does floating point, not which systems can run it, and is ignored.
// Only GOOS=linux has Debian packages.
func DebianArch(goos, goarch, goarm string) (string, error) {
	if goos != "linux" {
		return "", fmt.Errorf("debian architecture for %s/%s: Debian packages are only made for linux", goos, goarch)
	}
	switch goarch {
	case "amd64", "arm64", "riscv64", "s390x", "loong64":
		return goarch, nil
	case "386":
		return "i386", nil
	case "ppc64le":
		return "ppc64el", nil
	case "mips64le":
		return "mips64el", nil
	case "mipsle":
		return "mipsel", nil
	case "arm":
		v, _, _ := strings.Cut(goarm, ",")
		switch v {
		case "", "7", "6":
			return "armhf", nil
		case "5":
			return "armel", nil
		}
		return "", fmt.Errorf("debian architecture for linux/arm: GOARM=%q is not 5, 6 or 7", goarm)
	}
	return "", fmt.Errorf("debian architecture for linux/%s: no Debian architecture known for GOARCH %s", goarch, goarch)
}

// knownArch lists the architectures Write accepts: Debian's release
// architectures of the last releases plus "all".
var knownArch = map[string]bool{
	"all": true, "amd64": true, "arm64": true, "armhf": true, "armel": true,
	"i386": true, "ppc64el": true, "s390x": true, "riscv64": true,
	"mips64el": true, "mipsel": true, "loong64": true,
}
