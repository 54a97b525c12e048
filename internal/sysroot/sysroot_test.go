package sysroot

import (
	"context"
	"github.com/weldgo/weld/internal/artifact/deb"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

const lib = "usr/lib/aarch64-linux-gnu/"

// testPackages exercise every resolution rule once.
func testPackages() []*fakePkg {
	return []*fakePkg{
		{name: "app-dev", version: "1.0-1",
			depends: "libfoo-dev (>= 1.0), libbar1 | libbaz1, virtual-thing, libv (>= 2), " +
				"libc6 (>= 2.36), python3:any, mytool, foo-data"},
		// Two versions: the highest that fits wins.
		{name: "libfoo-dev", version: "0.9-1", depends: "libfoo1 (= 0.9-1)"},
		{name: "libfoo-dev", version: "1.2-1", depends: "libfoo1 (= 1.2-1)",
			files: map[string]string{"usr/include/foo.h": "int foo(void);\n",
				lib + "pkgconfig/foo.pc": "prefix=/usr\nlibdir=${prefix}/lib/aarch64-linux-gnu\nName: foo\nDescription: f\nVersion: 1.2\nLibs: -L${libdir} -lfoo\n"},
			// Debian -dev packages really ship links like this one.
			links: map[string]string{lib + "libfoo.so": "/lib/aarch64-linux-gnu/libfoo.so.1"}},
		{name: "libfoo1", version: "0.9-1", multiArch: "same"},
		{name: "libfoo1", version: "1.2-1", multiArch: "same", preDepends: "libqux1",
			// Shipped under /lib: folded into usr/lib by the usrmerge.
			files:  map[string]string{"lib/aarch64-linux-gnu/libfoo.so.1.2": "ELF libfoo"},
			links:  map[string]string{"lib/aarch64-linux-gnu/libfoo.so.1": "libfoo.so.1.2"},
			shlibs: "libfoo 1 libfoo1 (>= 1.2)\nudeb: libfoo 1 libfoo1-udeb\n"},
		{name: "libqux1", version: "3", zstd: true,
			files: map[string]string{lib + "libqux-3.so": "ELF qux"},
			// An escape attempt must stay inside the sysroot.
			links:  map[string]string{"usr/share/qux/passwd": "../../../../../../../etc/passwd"},
			shlibs: "libqux 3 libqux1\n"},
		{name: "libbaz1", version: "1"},
		{name: "libprov1", version: "1", provides: "virtual-thing"},
		// Versioned virtual: only a versioned Provides may satisfy it.
		{name: "libvold", version: "9", provides: "libv"},
		{name: "libvimpl", version: "1", provides: "libv (= 2.5)"},
		{name: "python3", version: "3.11", multiArch: "allowed"},
		{name: "mytool", version: "1", multiArch: "foreign"},
		{name: "foo-data", version: "1", arch: "all", multiArch: "foreign",
			files: map[string]string{"usr/share/foo/data.txt": "data"}},
		{name: "libc6", version: "2.36-9"},
		{name: "broken-dev", version: "1", depends: "libnothere (>= 3) | libfoo1 (>= 5)"},
	}
}

var wantResolved = []string{"app-dev", "foo-data", "libbaz1", "libfoo-dev", "libfoo1",
	"libprov1", "libqux1", "libvimpl"}

func names(pins []deb.Pin) []string {
	var out []string
	for _, p := range pins {
		out = append(out, p.Package)
	}
	return out
}

func TestEnsureResolvesAndExtracts(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	s, err := Ensure(context.Background(), a.request(t, "app-dev"))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(s.Packages); !reflect.DeepEqual(got, wantResolved) {
		t.Fatalf("resolved %v\nwant     %v", got, wantResolved)
	}
	for _, p := range s.Packages {
		if p.Package == "libfoo-dev" && p.Version != "1.2-1" {
			t.Errorf("libfoo-dev %s, want the highest version 1.2-1", p.Version)
		}
	}
	if a.hitCount("dists/"+testSuite+"/main/binary-arm64/by-hash/") != 1 {
		t.Errorf("the Packages index was not fetched by hash: %v", a.hits)
	}

	// The absolute link now points inside the sysroot, via the /lib that
	// moved to usr/lib, and the zstd package was extracted too.
	if target, _ := os.Readlink(filepath.Join(s.Dir, lib, "libfoo.so")); target != "libfoo.so.1" {
		t.Errorf("libfoo.so -> %q, want the relative libfoo.so.1", target)
	}
	for file, want := range map[string]string{lib + "libfoo.so": "ELF libfoo", lib + "libqux-3.so": "ELF qux",
		"lib/aarch64-linux-gnu/libfoo.so.1": "ELF libfoo", "usr/include/foo.h": "int foo(void);\n"} {
		if got, err := os.ReadFile(filepath.Join(s.Dir, file)); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", file, got, err, want)
		}
	}
	escape := filepath.Join(s.Dir, "usr/share/qux/passwd")
	target, _ := os.Readlink(escape)
	if resolved := filepath.Join(filepath.Dir(escape), target); !strings.HasPrefix(resolved, s.Dir+"/") {
		t.Errorf("usr/share/qux/passwd -> %s leaves the sysroot", resolved)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, ".weld/control/libfoo1/control")); err != nil {
		t.Error("control file not kept:", err)
	}

	sh, err := s.Shlibs()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]ShlibsEntry{
		"libfoo.so.1": {Package: "libfoo1", MinVersion: "1.2", Depends: "libfoo1 (>= 1.2)", From: "libfoo1"},
		"libqux-3.so": {Package: "libqux1", Depends: "libqux1", From: "libqux1"},
	}
	if !reflect.DeepEqual(sh, want) {
		t.Errorf("Shlibs() = %+v\nwant %+v", sh, want)
	}

	env := strings.Join(append(s.PkgConfigEnv(), s.CgoEnv()...), "\n")
	for _, w := range []string{"PKG_CONFIG_SYSROOT_DIR=" + s.Dir, "PKG_CONFIG_LIBDIR=" + s.Dir + "/" + lib + "pkgconfig:",
		"PKG_CONFIG_PATH=\n", "-L" + s.Dir + "/" + strings.TrimSuffix(lib, "/"), "-Wl,-rpath-link,", "-I" + s.Dir + "/usr/include"} {
		if !strings.Contains(env+"\n", w) {
			t.Errorf("env lacks %q:\n%s", w, env)
		}
	}
}

func TestResolveErrorsNameThePackage(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	_, err := Ensure(context.Background(), a.request(t, "broken-dev"))
	t.Log(err)
	for _, w := range []string{"fetching Debian sysroot for linux/arm64: ", "broken-dev 1", "libnothere", "libfoo1 1.2-1"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %q", err, w)
		}
	}
	_, err = Ensure(context.Background(), a.request(t, "no-such-dev"))
	if err == nil || !strings.Contains(err.Error(), "package no-such-dev is not in "+a.url) {
		t.Errorf("error %v does not name the missing package and archive", err)
	}
}

func TestWrongDebHash(t *testing.T) {
	pkgs := testPackages()
	a := newFakeArchive(t, pkgs)
	var qux *fakePkg
	for _, p := range pkgs {
		if p.name == "libqux1" {
			qux = p
		}
	}
	a.override[qux.filename] = append(append([]byte{}, qux.deb...), 'x')
	_, err := Ensure(context.Background(), a.request(t, "app-dev"))
	t.Log(err)
	for _, w := range []string{"package libqux1 3", qux.filename, "does not match the Packages index", "expected " + qux.sha256} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %q", err, w)
		}
	}
}

func TestPackagesIndexMismatch(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	// A newer index than the Release describes, at both URLs: what a
	// mirror in the middle of a sync serves.
	for k := range a.hitsFor(t) {
		if strings.Contains(k, "binary-arm64/") {
			a.override[k] = []byte("Package: other\n")
		}
	}
	_, err := Ensure(context.Background(), a.request(t, "app-dev"))
	t.Log(err)
	for _, w := range []string{"main/binary-arm64/Packages.gz", "does not match the signed Release file", "size 15, expected", "sha256 "} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %q", err, w)
		}
	}
}

// hitsFor lists the archive's files (as URL paths).
func (a *fakeArchive) hitsFor(t *testing.T) map[string]bool {
	out := map[string]bool{}
	filepath.Walk(a.dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			rel, _ := filepath.Rel(a.dir, p)
			out[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	return out
}

func TestBadSignature(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	inRelease := "dists/" + testSuite + "/InRelease"
	good, _ := os.ReadFile(filepath.Join(a.dir, inRelease))

	// The text changed after signing.
	a.override[inRelease] = []byte(strings.Replace(string(good), "Origin: Weld", "Origin: Evil", 1))
	_, err := Ensure(context.Background(), a.request(t, "app-dev"))
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "bad signature") || !strings.Contains(err.Error(), inRelease) {
		t.Errorf("tampered InRelease: %v", err)
	}

	// Correctly signed, but by a key the keyring does not trust.
	delete(a.override, inRelease)
	r := a.request(t, "app-dev")
	r.Keyring = writeKeyring(t, newKey(t, "stranger"))
	_, err = Ensure(context.Background(), r)
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "bad signature") {
		t.Errorf("unknown signer: %v", err)
	}
}

func TestReleaseGpgFallback(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	a.missing["dists/"+testSuite+"/InRelease"] = true
	if _, err := Ensure(context.Background(), a.request(t, "libbaz1")); err != nil {
		t.Fatal("Release + Release.gpg:", err)
	}
	release := "dists/" + testSuite + "/Release"
	good, _ := os.ReadFile(filepath.Join(a.dir, release))
	a.override[release] = append(good, "Extra: field\n"...)
	_, err := Ensure(context.Background(), a.request(t, "libbaz1"))
	if err == nil || !strings.Contains(err.Error(), "Release.gpg: bad signature") {
		t.Errorf("tampered Release: %v", err)
	}
}

func TestPinsReproduceTheSysroot(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	first, err := Ensure(context.Background(), a.request(t, "app-dev"))
	if err != nil {
		t.Fatal(err)
	}
	before := a.hitCount("dists/")

	// A fresh cache, only the lock: no index is read, same tree.
	r := a.request(t, "app-dev")
	r.Pins = append([]deb.Pin(nil), first.Packages...)
	sort.Slice(r.Pins, func(i, j int) bool { return r.Pins[i].Package > r.Pins[j].Package })
	second, err := Ensure(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if a.hitCount("dists/") != before {
		t.Error("Ensure with pins read the archive's index")
	}
	if filepath.Base(first.Dir) != filepath.Base(second.Dir) || !reflect.DeepEqual(first.Packages, second.Packages) {
		t.Errorf("pins gave %s %v, want %s", second.Dir, second.Packages, first.Dir)
	}
	if d1, d2 := treeDigest(t, first.Dir), treeDigest(t, second.Dir); d1 != d2 {
		t.Errorf("trees differ:\n%s\n---\n%s", d1, d2)
	}

	// A lock whose hash the archive's file does not match.
	bad := a.request(t, "app-dev")
	bad.Pins = append([]deb.Pin(nil), first.Packages...)
	bad.Pins[0].SHA256 = strings.Repeat("0", 64)
	if _, err := Ensure(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "does not match weld.lock") ||
		!strings.Contains(err.Error(), "package "+bad.Pins[0].Package) {
		t.Errorf("wrong pinned hash: %v", err)
	}

	// A lock edited to reach outside the sysroot.
	evil := a.request(t, "app-dev")
	evil.Pins = append([]deb.Pin(nil), first.Packages...)
	evil.Pins[0].Package = "../../escape"
	if _, err := Ensure(context.Background(), evil); err == nil || !strings.Contains(err.Error(), "invalid package name") {
		t.Errorf("evil pin: %v", err)
	}

	// A pinned version the archive has dropped.
	gone := a.request(t, "app-dev")
	gone.Pins = append([]deb.Pin(nil), first.Packages...)
	a.missing[gone.Pins[1].Filename] = true
	_, err = Ensure(context.Background(), gone)
	t.Log(err)
	for _, w := range []string{"package " + gone.Pins[1].Package, gone.Pins[1].Filename, "weld update", "snapshot"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("dropped version: %v does not mention %q", err, w)
		}
	}
}

func TestConcurrentEnsure(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	r := a.request(t, "app-dev")
	r.Log = nil
	var wg sync.WaitGroup
	results := make([]*Sysroot, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = Ensure(context.Background(), r)
		}()
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if results[i].Dir != results[0].Dir {
			t.Fatalf("concurrent Ensure gave %s and %s", results[i].Dir, results[0].Dir)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(results[0].Dir, lib, "libfoo.so")); string(got) != "ELF libfoo" {
		t.Errorf("libfoo.so after concurrent builds: %q", got)
	}
	if left := hiddenTrees(t, r.CacheDir); len(left) != 0 {
		t.Errorf("temporary trees left behind: %v", left)
	}
}

// A cached sysroot whose files changed after extraction is never used as
// it is: the next Ensure notices, says so and extracts it again from the
// verified .debs; an unchanged one is reused without hashing.
func TestChangedSysrootIsExtractedAgain(t *testing.T) {
	a := newFakeArchive(t, testPackages())
	req := a.request(t, "app-dev")
	var warnings []string
	req.Warn = func(s string) { warnings = append(warnings, s) }
	s, err := Ensure(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	// Extraction remembers the sealed tree, so reusing it hashes nothing.
	remembered, err := os.Stat(verifiedFile(s.Dir))
	if err != nil {
		t.Errorf("no fingerprint remembered for the tree just extracted: %v", err)
	}
	header := filepath.Join(s.Dir, "usr/include/foo.h")
	want, err := os.ReadFile(header)
	if err != nil {
		t.Fatal(err)
	}

	// Reused as it is: the fingerprint is remembered, nothing rehashed.
	if _, err := Ensure(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	// A hash would have written the record anew (temp file and rename).
	if again, err := os.Stat(verifiedFile(s.Dir)); err != nil || remembered == nil || !os.SameFile(again, remembered) {
		t.Errorf("the unchanged sysroot was hashed again on reuse (record %v, %v)", again, err)
	}
	if len(warnings) != 0 {
		t.Fatalf("warnings for an unchanged sysroot: %q", warnings)
	}

	for _, change := range []struct {
		name string
		do   func() error
	}{
		{"edited header", func() error { return os.WriteFile(header, []byte("int foo(int evil);\n"), 0o644) }},
		{"removed library", func() error { return os.Remove(filepath.Join(s.Dir, lib, "libqux-3.so")) }},
		{"added file", func() error { return os.WriteFile(filepath.Join(s.Dir, "usr/include/extra.h"), nil, 0o644) }},
	} {
		warnings = nil
		if err := change.do(); err != nil {
			t.Fatal(err)
		}
		again, err := Ensure(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", change.name, err)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], "changed after extraction; extracting it again") {
			t.Errorf("%s: warnings %q, want one saying the sysroot is extracted again", change.name, warnings)
		}
		if got, err := os.ReadFile(filepath.Join(again.Dir, "usr/include/foo.h")); err != nil || string(got) != string(want) {
			t.Errorf("%s: foo.h after Ensure = %q, %v; want the package's %q", change.name, got, err, want)
		}
		if _, err := os.Stat(filepath.Join(again.Dir, "usr/include/extra.h")); err == nil {
			t.Errorf("%s: a file added to the cached tree survived", change.name)
		}
		if _, err := os.Stat(filepath.Join(again.Dir, lib, "libqux-3.so")); err != nil {
			t.Errorf("%s: libqux-3.so missing after Ensure: %v", change.name, err)
		}
	}
}

// hiddenTrees lists the directories below cache/sysroot that are not a
// sysroot or a directory of the cache's own: temporary trees, whatever
// they are named.
func hiddenTrees(t *testing.T, cache string) []string {
	t.Helper()
	var found []string
	for _, sub := range []string{"roots", "tmp"} {
		entries, err := os.ReadDir(filepath.Join(cache, "sysroot", sub))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if sub == "tmp" || strings.HasPrefix(e.Name(), ".") && e.IsDir() {
				found = append(found, filepath.Join(sub, e.Name()))
			}
		}
	}
	return found
}
