package linkdeps

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"pault.ag/go/debian/dependency"

	"github.com/weldgo/weld/internal/target"
)

// SplitSoname splits a soname into the library name and version that
// shlibs files use, as dpkg-shlibdeps does: "libz.so.1" → ("libz", "1"),
// "libfoo-2.0.so" → ("libfoo", "2.0"). ok is false for other forms.
func SplitSoname(soname string) (lib, version string, ok bool) {
	if i := strings.Index(soname, ".so."); i > 0 {
		return soname[:i], soname[i+len(".so."):], true
	}
	if m := sonameDashRE.FindStringSubmatch(soname); m != nil {
		return m[1], m[2], true
	}
	return "", "", false
}

var sonameDashRE = regexp.MustCompile(`^(.*)-(\d.*)\.so$`)

// ParseShlibs looks soname up in the contents of a shlibs file
// (deb-shlibs(5): "[type:] library version dependencies" per line) and
// returns the first package of the dependencies and its minimal version.
// Lines with a type (udeb:) are ignored.
func ParseShlibs(data []byte, soname string) (pkg, minVersion string, ok bool) {
	lib, ver, ok := SplitSoname(soname)
	if !ok {
		return "", "", false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if strings.HasSuffix(f[0], ":") || len(f) < 3 || f[0] != lib || f[1] != ver {
			continue
		}
		// The first package of the dependencies, and its version when
		// the relation gives a floor: "zlib1g (>= 1:1.2.3.3.dfsg-1)".
		deps, err := dependency.Parse(strings.Join(f[2:], " "))
		if err != nil || len(deps.Relations) == 0 || len(deps.Relations[0].Possibilities) == 0 {
			return "", "", false
		}
		first := deps.Relations[0].Possibilities[0]
		if v := first.Version; v != nil && (v.Operator == ">=" || v.Operator == ">>" || v.Operator == "=") {
			return first.Name, v.Number, true
		}
		return first.Name, "", true
	}
	return "", "", false
}

// dpkgInfoDir holds the installed packages' shlibs files.
var dpkgInfoDir = "/var/lib/dpkg/info"

// HostResolver returns a Resolver that uses HostShlibs for arch.
func HostResolver(arch string) Resolver {
	return func(soname string) (string, string, bool) { return HostShlibs(soname, arch) }
}

// HostShlibs finds the library soname of the Debian architecture arch on
// this machine (in the multiarch directories, then through ldconfig -p),
// asks dpkg -S which package installed it, and reads that package's shlibs
// file in /var/lib/dpkg/info for the package and minimal version to depend
// on. A package without a shlibs entry for the library gives the package
// with no version. ok is false when the library or its package is not
// found.
func HostShlibs(soname, arch string) (pkg, minVersion string, ok bool) {
	key := soname + "\x00" + arch
	if v, found := hostShlibsMemo.Load(key); found {
		r := v.(hostShlib)
		return r.pkg, r.min, r.ok
	}
	pkg, minVersion, ok = hostShlibs(soname, arch)
	hostShlibsMemo.Store(key, hostShlib{pkg, minVersion, ok})
	return pkg, minVersion, ok
}

// hostShlibsMemo remembers HostShlibs's answers for this process: the
// .deb's Depends and the SBOM ask the same questions, and each answer
// takes a few runs of dpkg.
var hostShlibsMemo sync.Map

type hostShlib struct {
	pkg, min string
	ok       bool
}

func hostShlibs(soname, arch string) (pkg, minVersion string, ok bool) {
	for _, path := range hostLibCandidates(soname, arch) {
		owner, ok := dpkgOwner(path)
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(owner, ":")
		for _, f := range []string{name + ":" + arch + ".shlibs", name + ".shlibs"} {
			if data, err := os.ReadFile(filepath.Join(dpkgInfoDir, f)); err == nil {
				if p, v, ok := ParseShlibs(data, soname); ok {
					return p, v, true
				}
			}
		}
		return name, "", true
	}
	return "", "", false
}

// hostLibCandidates lists existing files named soname that are ELF objects
// of arch's machine.
// ldconfigCache is `ldconfig -p`, run once per process: the machine's
// library cache does not change while weld runs.
var ldconfigCache = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("ldconfig", "-p").Output()
	return string(out), err
})

func hostLibCandidates(soname, arch string) []string {
	var paths []string
	if t, ok := target.Triplet(arch); ok {
		for _, d := range []string{"/lib/", "/usr/lib/"} {
			paths = append(paths, d+t+"/"+soname)
		}
	}
	if out, err := ldconfigCache(); err == nil {
		// "\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1"
		for _, l := range strings.Split(out, "\n") {
			name, rest, _ := strings.Cut(strings.TrimSpace(l), " ")
			if _, p, ok := strings.Cut(rest, " => "); ok && name == soname {
				paths = append(paths, p)
			}
		}
	}
	var out []string
	for _, p := range paths {
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		m := f.Machine
		f.Close()
		if want, ok := target.ELFMachine(arch); ok && m == want {
			out = append(out, p)
		}
	}
	return out
}

// dpkgOwner returns the package (with its ":arch" when dpkg adds one) that
// installed path. With merged /usr a file may be registered under /lib or
// /usr/lib, so both spellings and the resolved path are tried.
func dpkgOwner(path string) (string, bool) {
	tries := []string{path}
	if p, ok := strings.CutPrefix(path, "/usr/"); ok {
		tries = append(tries, "/"+p)
	} else {
		tries = append(tries, "/usr"+path)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		tries = append(tries, real)
	}
	for _, p := range tries {
		out, err := exec.Command("dpkg", "-S", p).Output()
		if err != nil {
			continue
		}
		if owner, ok := parseDpkgS(string(out), p); ok {
			return owner, true
		}
	}
	return "", false
}

// parseDpkgS reads "zlib1g:amd64: /lib/x86_64-linux-gnu/libz.so.1" from
// dpkg -S output and returns the first package owning path. Diversion
// lines are skipped.
func parseDpkgS(out, path string) (string, bool) {
	for _, l := range strings.Split(out, "\n") {
		pkgs, p, ok := strings.Cut(l, ": ")
		if !ok || p != path || strings.HasPrefix(l, "diversion by ") {
			continue
		}
		first, _, _ := strings.Cut(pkgs, ",")
		if first = strings.TrimSpace(first); first != "" {
			return first, true
		}
	}
	return "", false
}
