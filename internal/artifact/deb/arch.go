package deb

import "github.com/weldgo/weld/internal/target"

// DebianArch returns the architecture a .deb of the Go target
// goos/goarch[/goarm] declares, from internal/target's table. GOARM 6 and
// 7 are armhf (Raspberry Pi OS's name for its ARMv6 hard-float port, and
// Debian's ARMv7 one), GOARM 5 is armel, and a ",softfloat" or
// ",hardfloat" suffix changes nothing.
func DebianArch(goos, goarch, goarm string) (string, error) {
	return target.PackageArch(target.Target{OS: goos, Arch: goarch, Variant: goarm})
}

// knownArch reports whether Write accepts arch: "all", or the package
// architecture of a target weld knows.
func knownArch(arch string) bool {
	if arch == "all" {
		return true
	}
	_, ok := target.ELFMachine(arch)
	return ok
}
