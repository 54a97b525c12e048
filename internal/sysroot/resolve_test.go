package sysroot

import (
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/target"
	"pault.ag/go/debian/version"
)

// indexOf builds an index straight from fake packages, without an archive.
func indexOf(t *testing.T, pkgs []*fakePkg) *index {
	idx := &index{where: "test", pkgs: map[string][]*pkg{}, provides: map[string][]provider{}}
	for _, p := range pkgs {
		if p.arch == "" {
			p.arch = "arm64"
		}
		err := idx.add(map[string]string{"Package": p.name, "Version": p.version, "Architecture": p.arch,
			"Multi-Arch": p.multiArch, "Depends": p.depends, "Pre-Depends": p.preDepends, "Provides": p.provides,
			"Filename": "pool/" + p.name + ".deb", "Size": "1", "SHA256": strings.Repeat("a", 64)})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, list := range idx.pkgs {
		sort.Slice(list, func(i, j int) bool { return version.Compare(list[i].ver, list[j].ver) > 0 })
	}
	return idx
}

func TestResolveQualifiersAndConflicts(t *testing.T) {
	idx := indexOf(t, append(testPackages(),
		&fakePkg{name: "qualified", version: "1", depends: "libprov1:armhf | libbaz1:arm64"},
		&fakePkg{name: "needs-old", version: "1", depends: "libfoo1 (<< 1.0)"}))
	got, err := resolve(idx, "arm64", []string{"qualified"}, func(string) {})
	if err != nil || len(got) != 2 || got[0].name != "libbaz1" || got[1].name != "qualified" {
		t.Errorf("qualified: %v, %v; want libbaz1 (libprov1:armhf is another architecture)", got, err)
	}
	_, err = resolve(idx, "arm64", []string{"libfoo-dev", "needs-old"}, func(string) {})
	if err == nil || !strings.Contains(err.Error(), "libfoo1 1.2-1 (already chosen)") {
		t.Errorf("version conflict: %v", err)
	}
	// Alone, needs-old gets the older libfoo1 that fits.
	got, err = resolve(idx, "arm64", []string{"needs-old"}, func(string) {})
	if err != nil || len(got) != 2 || got[0].String() != "libfoo1 0.9-1" {
		t.Errorf("needs-old: %v, %v", got, err)
	}
}

func TestLinkTarget(t *testing.T) {
	for _, c := range []struct{ dir, name, target, want string }{
		{"usr/lib/x", "usr/lib/x/libm.so", "/lib/x/libm.so.6", "libm.so.6"},
		{"usr/lib/x", "usr/lib/x/libfoo.so", "/usr/lib/x/libfoo.so.1", "libfoo.so.1"},
		{"usr/bin", "usr/bin/tool", "/etc/alternatives/tool", "../../etc/alternatives/tool"},
		{"usr/lib/x", "usr/lib/x/libz.so", "libz.so.1", "libz.so.1"},               // untouched
		{"usr/lib/x", "lib/x/libz.so.1", "libz.so.1.2", "libz.so.1.2"},             // moved with its dir
		{"usr/lib/x", "lib/x/thing", "../../usr/share/thing", "../../share/thing"}, // moved: recomputed
		{"usr/share", "usr/share/a", "../../../../etc/passwd", "../../etc/passwd"}, // clamped at the root
		{"usr/sbin", "./sbin/ldconfig", "/bin/true", "../bin/true"},
		{"usr/lib", "usr/lib/d", "/", "../.."},
		{"", "loop", "loop", "loop"},
		{"", "evil", "../../..", "."},
		// Canonical form: no climbing after a name, which a link met on
		// the way could turn into climbing out.
		{"a/b", "a/b/esc", "up/../../x", "../x"},
		// The link's real directory (reached through another link) is
		// what the result is relative to.
		{"usr/lib/real", "usr/lib/alias/libz.so", "libz.so.1", "../alias/libz.so.1"},
	} {
		if got := linkTarget(c.dir, c.name, c.target); got != c.want {
			t.Errorf("linkTarget(%q, %q, %q) = %q, want %q", c.dir, c.name, c.target, got, c.want)
		}
	}
}

func TestDefaultSourceFromApt(t *testing.T) {
	etc := t.TempDir()
	writeTestFile(t, filepath.Join(etc, "sources.list"), "# deb http://old/debian sid main\n"+
		"deb-src http://deb.debian.org/debian bookworm main\n")
	writeTestFile(t, filepath.Join(etc, "sources.list.d", "a.list"),
		"deb [arch=amd64 signed-by=/k.gpg] http://security.debian.org/debian-security bookworm-security main\n")
	writeTestFile(t, filepath.Join(etc, "sources.list.d", "debian.sources"), `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian/
Suites: bookworm-updates
 bookworm
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://other.example/debian
Suites: trixie
Components: main
`)
	a, s, c, ok := sourceIn(etc)
	if !ok || a != "http://mirror.example/debian" || s != "bookworm" || !reflect.DeepEqual(c, []string{"main", "contrib"}) {
		t.Errorf("sourceIn = %q %q %q %v", a, s, c, ok)
	}
	writeTestFile(t, filepath.Join(etc, "sources.list"), "deb [ trusted=yes ] http://one.example/debian trixie main\n")
	if a, s, _, _ := sourceIn(etc); a != "http://one.example/debian" || s != "trixie" {
		t.Errorf("one-line sources.list comes first: %q %q", a, s)
	}
	if _, _, _, ok := sourceIn(t.TempDir()); ok {
		t.Error("empty apt dir gave a source")
	}
}

func TestDebianArch(t *testing.T) {
	for _, c := range [][4]string{{"linux", "arm64", "", "arm64"}, {"linux", "arm", "7", "armhf"},
		{"linux", "arm", "5", "armel"}, {"linux", "amd64", "", "amd64"}, {"linux", "386", "", "i386"}} {
		if got, err := target.CLibArch(target.Target{OS: c[0], Arch: c[1], Variant: c[2]}); err != nil || got != c[3] {
			t.Errorf("DebianArch(%q, %q, %q) = %q, %v", c[0], c[1], c[2], got, err)
		}
	}
	// ARMv6 hard-float C libraries come from no archive weld reaches: the
	// package architecture is armhf (internal/target), the sysroot none.
	if got, err := target.CLibArch(target.Target{OS: "linux", Arch: "arm", Variant: "6"}); err == nil || !strings.Contains(err.Error(), "ARMv6") {
		t.Errorf("DebianArch(linux, arm, 6) = %q, %v; want an error explaining ARMv6", got, err)
	}
	if _, err := target.CLibArch(target.Target{OS: "windows", Arch: "amd64"}); err == nil {
		t.Error("windows has no Debian sysroot")
	}
}
