package cdeps

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needPkgConfig skips on a development machine without pkg-config and
// fails in CI, where scripts/test installs it.
func needPkgConfig(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pkg-config"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pkg-config is not installed, and CI=true requires it: %v", err)
		}
		t.Skipf("pkg-config is not installed (%v); install it (apt-get install pkg-config) to run this test", err)
	}
}

// pcDir writes .pc files into a temporary directory.
func pcDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name+".pc"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const fooPC = `prefix=/opt/foo
libdir=${prefix}/lib
includedir=${prefix}/include

Name: foo
Description: a test library
Version: 1.2.3
Cflags: -I${includedir}/foo -DFOO=1
Libs: -L${libdir} -lfoo
`

const brokenPC = `Name: broken
Description: requires a module that is not there
Version: 2.0
Requires: weld-missing-dependency
Libs: -lbroken
`

func TestLookup(t *testing.T) {
	needPkgConfig(t)
	dir := pcDir(t, map[string]string{"foo": fooPC, "broken": brokenPC})
	tests := []struct {
		description string
		env         []string
		name        string
		want        Library
	}{
		{"found", []string{"PKG_CONFIG_LIBDIR=" + dir}, "foo",
			Library{Name: "foo", Found: true, Version: "1.2.3", Cflags: "-I/opt/foo/include/foo -DFOO=1", Libs: "-L/opt/foo/lib -lfoo"}},
		{"found through PKG_CONFIG_PATH", []string{"PKG_CONFIG_LIBDIR=" + t.TempDir(), "PKG_CONFIG_PATH=" + dir}, "foo",
			Library{Name: "foo", Found: true, Version: "1.2.3", Cflags: "-I/opt/foo/include/foo -DFOO=1", Libs: "-L/opt/foo/lib -lfoo"}},
		{"sysroot prefixes the paths", []string{"PKG_CONFIG_LIBDIR=" + dir, "PKG_CONFIG_SYSROOT_DIR=/sysroot"}, "foo",
			Library{Name: "foo", Found: true, Version: "1.2.3", Cflags: "-I/sysroot/opt/foo/include/foo -DFOO=1", Libs: "-L/sysroot/opt/foo/lib -lfoo"}},
		{"not in the search path", []string{"PKG_CONFIG_LIBDIR=" + dir}, "weld-no-such-library",
			Library{Name: "weld-no-such-library", Problem: "not found"}},
		{"the host's libraries are not searched", []string{"PKG_CONFIG_LIBDIR=" + t.TempDir()}, "foo",
			Library{Name: "foo", Problem: "not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got := PkgConfig{Env: tt.env}.Lookup(context.Background(), tt.name)
			if got != tt.want {
				t.Errorf("Lookup(%q):\n got: %+v\nwant: %+v", tt.name, got, tt.want)
			}
		})
	}

	// A .pc file whose Requires: is missing is not usable. (Its Problem is
	// "not found" too, though the module itself exists.)
	got := PkgConfig{Env: []string{"PKG_CONFIG_LIBDIR=" + dir}}.Lookup(context.Background(), "broken")
	if got.Found || got.Problem == "" {
		t.Errorf("Lookup(broken) = %+v, want not found with a problem", got)
	}
	t.Logf("Lookup(broken).Problem = %q", got.Problem)
}

func TestLookupExplicitCmd(t *testing.T) {
	needPkgConfig(t)
	dir := pcDir(t, map[string]string{"foo": fooPC})
	path, _ := exec.LookPath("pkg-config")
	got := PkgConfig{Cmd: path, Env: []string{"PKG_CONFIG_LIBDIR=" + dir}}.Lookup(context.Background(), "foo")
	if !got.Found || got.Version != "1.2.3" {
		t.Errorf("Lookup with Cmd=%s = %+v", path, got)
	}
}

func TestLookupMissingCommand(t *testing.T) {
	got := PkgConfig{Cmd: "weld-no-such-pkg-config"}.Lookup(context.Background(), "foo")
	want := Library{Name: "foo", Problem: "weld-no-such-pkg-config is not installed"}
	if got != want {
		t.Errorf("Lookup = %+v, want %+v", got, want)
	}
}

func TestLookupCanceled(t *testing.T) {
	needPkgConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := pcDir(t, map[string]string{"foo": fooPC})
	if got := (PkgConfig{Env: []string{"PKG_CONFIG_LIBDIR=" + dir}}).Lookup(ctx, "foo"); got.Found {
		t.Errorf("Lookup with a canceled context = %+v, want not found", got)
	}
}

func TestFirstLine(t *testing.T) {
	tests := []struct {
		description     string
		input, fallback string
		want            string
	}{
		{"empty uses fallback", "", "exit status 1", "exit status 1"},
		{"blank uses fallback", " \n\t\n", "exit status 1", "exit status 1"},
		{"first of several", "Package x was not found\nPerhaps you should\n", "f", "Package x was not found"},
		{"leading blank lines skipped", "\n\n  first\nsecond", "f", "first"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := firstLine(tt.input, tt.fallback); got != tt.want {
				t.Errorf("firstLine(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}

func TestDebianDevPackage(t *testing.T) {
	tests := []struct {
		description string
		input       string
		want        string // "" when unknown
	}{
		{"cairo", "cairo", "libcairo2-dev"},
		{"cairo-png shares cairo's package", "cairo-png", "libcairo2-dev"},
		{"zlib", "zlib", "zlib1g-dev"},
		{"openssl's three names", "libcrypto", "libssl-dev"},
		{"versioned name", "libpng16", "libpng-dev"},
		{"unknown", "weld-no-such-library", ""},
		{"names are case-sensitive", "Cairo", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got, ok := DebianDevPackage(tt.input)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("DebianDevPackage(%q) = %q, %v; want %q", tt.input, got, ok, tt.want)
			}
		})
	}
	for name, pkg := range debianDevPackages {
		if !strings.HasSuffix(pkg, "-dev") {
			t.Errorf("%s maps to %s, which is not a -dev package", name, pkg)
		}
	}
}

func TestDebianHint(t *testing.T) {
	debian := isDebianHost()
	if os.Getenv("CI") == "true" && !debian {
		t.Log("CI host is not Debian-family; only the empty hint is checked")
	}
	tests := []struct {
		description string
		input       string
		want        string // on a Debian-family host
	}{
		{"known", "cairo", "; on Debian: apt-get install libcairo2-dev"},
		{"known, other package", "sqlite3", "; on Debian: apt-get install libsqlite3-dev"},
		{"unknown", "weld-no-such-library", ""},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			want := tt.want
			if !debian {
				want = ""
			}
			if got := DebianHint(tt.input); got != want {
				t.Errorf("DebianHint(%q) = %q, want %q (Debian host: %v)", tt.input, got, want, debian)
			}
		})
	}
}
