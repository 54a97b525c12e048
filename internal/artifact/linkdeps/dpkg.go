package linkdeps

import (
	"os/exec"
	"path/filepath"
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
	p, ok := InstalledAll([]string{name})[name]
	return p, ok
}

// InstalledAll asks dpkg, in one run, for the installed version and
// architecture of each named package (a name may carry an architecture,
// libc6:arm64); packages that are not installed are left out.
func InstalledAll(names []string) map[string]InstalledPackage {
	out := map[string]InstalledPackage{}
	if len(names) == 0 {
		return out
	}
	// dpkg-query prints what it found and fails for the rest: read its
	// output whatever its status, one line per name it knows.
	data, _ := exec.Command("dpkg-query", append([]string{"-W", "-f=${binary:Package} ${Package} ${Version} ${Architecture}\n"}, names...)...).Output()
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 {
			continue
		}
		p := InstalledPackage{Name: f[1], Version: f[2], Architecture: f[3]}
		for _, n := range names {
			if n == f[0] || n == f[1] || n == f[1]+":"+f[3] {
				if _, dup := out[n]; !dup {
					out[n] = p
				}
			}
		}
	}
	return out
}

// OwnersOf asks dpkg, in one run, which installed package each file
// belongs to, and returns the owners by the path given. A path is also
// tried in its other place under Debian's merged /usr (/lib and
// /usr/lib) and through its symlinks; files no package installed are left
// out.
func OwnersOf(paths []string) map[string]string {
	tries := map[string][]string{} // the path asked → the paths it was given as
	var args []string
	add := func(asked, p string) {
		if _, seen := tries[asked]; !seen {
			args = append(args, asked)
		}
		tries[asked] = append(tries[asked], p)
	}
	for _, p := range paths {
		add(p, p)
		if rest, ok := strings.CutPrefix(p, "/usr/"); ok {
			add("/"+rest, p)
		} else {
			add("/usr"+p, p)
		}
		if real, err := filepath.EvalSymlinks(p); err == nil && real != p {
			add(real, p)
		}
	}
	out := map[string]string{}
	if len(args) == 0 {
		return out
	}
	// dpkg -S prints what it found and fails for the rest.
	data, _ := exec.Command("dpkg", append([]string{"-S"}, args...)...).Output()
	for _, asked := range args {
		owner, ok := parseDpkgS(string(data), asked)
		if !ok {
			continue
		}
		for _, p := range tries[asked] {
			if _, done := out[p]; !done {
				out[p] = owner
			}
		}
	}
	return out
}
