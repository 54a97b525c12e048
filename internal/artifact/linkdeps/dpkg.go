package linkdeps

import (
	"os/exec"
	"strings"
)

// InstalledPackage is a Debian package installed on this machine.
type InstalledPackage struct {
	Name, Version, Architecture string
}

// PackageOfFile asks dpkg which installed package a file on this machine
// belongs to, and at which version. ok is false for a file no package
// installed.
func PackageOfFile(path string) (InstalledPackage, bool) {
	owner, ok := dpkgOwner(path)
	if !ok {
		return InstalledPackage{}, false
	}
	return Installed(owner)
}

// Installed returns an installed package's version and architecture;
// name may carry an architecture (libc6:arm64).
func Installed(name string) (InstalledPackage, bool) {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Package} ${Version} ${Architecture}", name).Output()
	f := strings.Fields(string(out))
	if err != nil || len(f) != 3 {
		return InstalledPackage{}, false
	}
	return InstalledPackage{Name: f[0], Version: f[1], Architecture: f[2]}, true
}
