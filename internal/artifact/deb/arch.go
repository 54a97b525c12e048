package deb

import "github.com/weldgo/weld/internal/target"

// knownArch reports whether Write accepts arch: "all", or the package
// architecture of a target weld knows.
func knownArch(arch string) bool {
	if arch == "all" {
		return true
	}
	_, ok := target.ELFMachine(arch)
	return ok
}
