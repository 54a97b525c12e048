package linkdeps

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/weldgo/weld/internal/artifact/deb"
)

// Resolver maps a soname to the Debian package that provides it and the
// minimal version of that package to depend on (from its shlibs file; ""
// for no version). HostShlibs gives one for the build machine's dpkg
// database; a sysroot made of extracted packages can give another.
type Resolver func(soname string) (pkg, minVersion string, ok bool)

// glibcRE matches the sonames glibc's libc6 package ships, on every
// architecture: libc.so.6, libm.so.6, libpthread.so.0, libdl.so.2,
// librt.so.1, libresolv.so.2, libutil.so.1, libanl.so.1, libmvec.so.1,
// libnsl.so.1, libBrokenLocale.so.1, libthread_db.so.1,
// libc_malloc_debug.so.0, libnss_*.so.2 and the dynamic linkers
// (ld-linux-x86-64.so.2, ld-linux-aarch64.so.1, ld-linux-armhf.so.3,
// ld-linux.so.2, ld64.so.*). libcrypt.so.1 is not glibc's any more
// (libcrypt1, from libxcrypt).
var glibcRE = regexp.MustCompile(`^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|libutil\.so\.1|libanl\.so\.1|libmvec\.so\.1|libnsl\.so\.1|libBrokenLocale\.so\.1|libthread_db\.so\.1|libc_malloc_debug\.so\.0|libnss_[a-z]+\.so\.2|ld-linux[a-z0-9_-]*\.so\.[0-9]+|ld64\.so\.[0-9]+)$`)

// IsGlibc reports whether soname is one of glibc's libraries.
func IsGlibc(soname string) bool { return glibcRE.MatchString(soname) }

// DebDepends turns what a binary needs into Debian Depends entries, one per
// package, sorted by package name, such as
// ["libc6 (>= 2.34)", "libcairo2 (>= 1.2.4)"].
//
// For glibc's libraries the version floor is the highest GLIBC_x.y symbol
// version the binary requires (ELFInfo.GlibcFloor): the shlibs file of
// libc6 names the installed glibc, which would make every binary built on
// Debian 12 refuse glibc 2.34 systems for no reason. dpkg-shlibdeps gets
// the same floor from libc6's symbols file in practice. When no GLIBC
// version is required the resolver's version is used. For every other
// library the resolver's minimal version is the floor, as in
// dpkg-shlibdeps with shlibs files (symbols files, which could lower it,
// are not read). Sonames the resolver does not know are an error naming
// them all.
func DebDepends(info ELFInfo, resolve Resolver) ([]string, error) {
	floors := map[string]string{}
	var order []string
	var unknown []string
	glibcFloor := info.GlibcFloor()
	for _, soname := range info.Needed {
		pkg, min, ok := resolve(soname)
		if !ok || pkg == "" {
			unknown = append(unknown, soname)
			continue
		}
		if IsGlibc(soname) && glibcFloor != "" {
			min = glibcFloor
		}
		prev, seen := floors[pkg]
		if !seen {
			order = append(order, pkg)
		}
		if !seen || deb.CompareVersions(min, prev) > 0 {
			floors[pkg] = min
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("finding Debian packages for shared libraries: no package known for %s", strings.Join(unknown, ", "))
	}
	slices.Sort(order)
	deps := make([]string, 0, len(order))
	for _, pkg := range order {
		if v := floors[pkg]; v != "" {
			deps = append(deps, fmt.Sprintf("%s (>= %s)", pkg, v))
		} else {
			deps = append(deps, pkg)
		}
	}
	return deps, nil
}
