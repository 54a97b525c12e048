package main

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/artifact/winetest"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/sysroot"
	"github.com/weldgo/weld/internal/target"
)

// TestImgserverEverywhere builds the example for every target of its
// manifest in one run and checks what a user of each artifact sees: the
// arm64 and armhf binaries serve their PNG under qemu-user, the Windows zip
// serves its PNG under wine from an empty directory (so every DLL it needs
// must be in the zip), the .debs carry the fields and dependencies that
// dpkg reads, and a second build gives the same bytes.
func TestImgserverEverywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: -short, and this builds four targets and starts wine and qemu")
	}
	for _, tool := range []string{"go", "pkg-config", "aarch64-linux-gnu-gcc", "arm-linux-gnueabihf-gcc",
		"x86_64-w64-mingw32-g++", "qemu-aarch64", "qemu-arm", "dpkg-deb", "timeout"} {
		requireTool(t, tool)
	}
	manifest, err := filepath.Abs("../../examples/imgserver/weld.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	paths := strings.Fields(weldRun(t, "build", "-f", manifest, "--target", "all", "-o", out, "--locked"))
	artifact := func(name string) string {
		for _, p := range paths {
			if filepath.Base(p) == name {
				return p
			}
		}
		t.Fatalf("weld build printed no %s: %v", name, paths)
		return ""
	}
	l, err := lock.Read(filepath.Join(filepath.Dir(manifest), lock.FileName))
	if err != nil || l == nil {
		t.Fatalf("reading the example's lock: %v", err)
	}

	linux := map[string]string{"linux/arm64": "imgserver_linux_arm64", "linux/arm/7": "imgserver_linux_arm_7"}
	for target, dir := range linux {
		t.Run(strings.ReplaceAll(target, "/", "_"), func(t *testing.T) {
			sr := lockedSysroot(t, l, target)
			argv := append(append([]string{"timeout", "-s", "KILL", "120", sr.Qemu()}, sr.QemuArgs()...),
				filepath.Join(out, dir, "imgserver"))
			checkServer(t, startCommand(t, argv, nil), true)
		})
	}

	t.Run("windows_amd64", func(t *testing.T) {
		dir := t.TempDir()
		unzip(t, artifact("imgserver_1.0.0_windows_amd64.zip"), dir)
		p := winetest.NewPrefix(t)
		argv := []string{"timeout", "-s", "KILL", "180", p.Wine, filepath.Join(dir, "imgserver.exe")}
		// The stamp's pixels come from C++ code in libstdc++-6.dll, which
		// wine does not have: they prove the zip carries the C++ runtime.
		checkServer(t, startCommand(t, argv, p.Env()), false)
		// And wine's loader log shows the DLLs coming from the unzipped
		// directory. A bad address makes the program exit after loading.
		cmd := exec.Command("timeout", "-s", "KILL", "180", p.Wine, filepath.Join(dir, "imgserver.exe"), "-addr", "no-such-host:1")
		cmd.Env = append(p.Env(), "WINEDEBUG=+loaddll")
		log, _ := cmd.CombinedOutput()
		// Wine logs: Loaded L"Z:\\tmp\\...\\libstdc++-6.dll" at ...: native
		winDir := "Z:" + strings.ReplaceAll(dir, "/", `\\`) + `\\`
		for _, dll := range []string{"libstdc++-6.dll", "libgcc_s_seh-1.dll"} {
			loaded := false
			for _, l := range grepLines(string(log), dll) {
				loaded = loaded || strings.Contains(l, `Loaded L"`+winDir+dll+`"`) && strings.HasSuffix(strings.TrimSpace(l), ": native")
			}
			if !loaded {
				t.Errorf("wine did not load the bundled %s from %s:\n%s", dll, winDir, strings.Join(grepLines(string(log), "Loaded"), "\n"))
			}
		}
	})

	t.Run("deb", func(t *testing.T) {
		for _, c := range []struct{ file, arch string }{
			{"imgserver_1.0.0_amd64.deb", "amd64"}, {"imgserver_1.0.0_arm64.deb", "arm64"}, {"imgserver_1.0.0_armhf.deb", "armhf"},
		} {
			deb := artifact(c.file)
			fields := run(t, "dpkg-deb", "--field", deb, "Package", "Version", "Architecture", "Depends", "Maintainer")
			for _, want := range []string{"Package: imgserver\n", "Version: 1.0.0\n", "Architecture: " + c.arch + "\n",
				"libcairo2 (>= ", "libc6 (>= 2.", "libstdc++6", "Maintainer: weld developers"} {
				if !strings.Contains(fields, want) {
					t.Errorf("%s: fields lack %q:\n%s", c.file, want, fields)
				}
			}
			if contents := run(t, "dpkg-deb", "--contents", deb); !strings.Contains(contents, "./usr/bin/imgserver") {
				t.Errorf("%s: no /usr/bin/imgserver in\n%s", c.file, contents)
			}
			checkDebianTools(t, deb)
		}
		if os.Getuid() == 0 && (os.Getenv("CI") == "true" || os.Getenv("WELD_TEST_INSTALL") == "1") {
			installAndRun(t, artifact("imgserver_1.0.0_amd64.deb"))
		} else {
			t.Log("not installing the .deb: that needs root and CI=true or WELD_TEST_INSTALL=1")
		}
	})

	t.Run("sbom", func(t *testing.T) {
		// The arm64 .deb's SBOM names libcairo2 at the version and with
		// the .deb sha256 that weld.lock pins.
		sr, ok := l.SysrootFor("linux/arm64")
		if !ok {
			t.Fatal("the example's lock pins no arm64 sysroot")
		}
		var want *deb.Pin
		for i, p := range sr.Packages {
			if p.Package == "libcairo2" {
				want = &sr.Packages[i]
			}
		}
		if want == nil {
			t.Fatal("the arm64 sysroot pins no libcairo2")
		}
		comps, err := readSBOM(artifact("imgserver_1.0.0_arm64.deb.spdx.json"))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range comps {
			if c.Name == "libcairo2" {
				found = true
				if c.Version != want.Version || c.SHA256 != want.SHA256 || c.Purl != "pkg:deb/debian/libcairo2@"+want.Version+"?arch=arm64" {
					t.Errorf("SBOM has libcairo2 %+v; weld.lock pins %+v", c, *want)
				}
			}
		}
		if !found {
			t.Errorf("the arm64 .deb's SBOM lists no libcairo2: %+v", comps)
		}

		// The host target's libcairo2 is pinned with dpkg's version and
		// the sha256 of the file the binary loads, and its .deb's SBOM
		// shows the same.
		pin := libraryPin(t, l, "linux/amd64", "libcairo.so.2")
		dpkg := strings.Fields(run(t, "dpkg-query", "-W", "-f=${Package} ${Version} ${Architecture}", "libcairo2:amd64"))
		libdir := strings.TrimSpace(run(t, "pkg-config", "--variable=libdir", "cairo"))
		sum := fileSum(t, filepath.Join(libdir, "libcairo.so.2"))
		if got, want := []string{pin.Package, pin.Version, pin.Arch, pin.SHA256}, append(dpkg, sum); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("weld.lock pins the host's libcairo.so.2 as %q; dpkg-query and sha256sum say %q", got, want)
		}
		comps, err = readSBOM(artifact("imgserver_1.0.0_amd64.deb.spdx.json"))
		if err != nil {
			t.Fatal(err)
		}
		found = false
		for _, c := range comps {
			if c.Name == "libcairo2" {
				found = true
				if c.Version != pin.Version || c.SHA256 != pin.SHA256 || c.Purl != "pkg:deb/debian/libcairo2@"+pin.Version+"?arch=amd64" {
					t.Errorf("the amd64 .deb's SBOM has libcairo2 %+v; weld.lock pins %+v", c, pin)
				}
			}
		}
		if !found {
			t.Errorf("the amd64 .deb's SBOM lists no libcairo2: %+v", comps)
		}
	})

	t.Run("reproducible", func(t *testing.T) {
		again := t.TempDir()
		second := strings.Fields(weldRun(t, "build", "-f", manifest, "--target", "all", "-o", again, "--locked", "--no-cache"))
		if len(second) != len(paths) {
			t.Fatalf("second build printed %v, first %v", second, paths)
		}
		for i := range paths {
			if a, b := fileSum(t, paths[i]), fileSum(t, second[i]); a != b {
				t.Errorf("%s differs between two builds: %s vs %s", filepath.Base(paths[i]), a, b)
			}
		}
	})
}

// checkDebianTools runs Debian's checkers on an example package: lintian
// finds no error, and the systemd unit, as installed, passes
// systemd-analyze verify with the package extracted as its root (so the
// unit's ExecStart is the packaged binary).
func checkDebianTools(t *testing.T, deb string) {
	t.Helper()
	requireTool(t, "lintian")
	requireTool(t, "systemd-analyze")
	cmd := exec.Command("lintian", "--fail-on", "error", deb)
	if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "\nE: ") || strings.HasPrefix(string(out), "E: ") {
		t.Errorf("lintian %s: %v\n%s", filepath.Base(deb), err, out)
	}
	root := t.TempDir()
	run(t, "dpkg-deb", "--extract", deb, root)
	run(t, "systemd-analyze", "verify", "--recursive-errors=no", "--root="+root, "/usr/lib/systemd/system/imgserver.service")
	if conf := run(t, "dpkg-deb", "--field", deb, "Depends"); !strings.Contains(conf, "adduser") {
		t.Errorf("%s: the postinst creates the user imgserver but Depends lacks adduser: %s", filepath.Base(deb), conf)
	}
}

// libraryPin returns the pin of a library file of a target in l.
func libraryPin(t *testing.T, l *lock.Lock, target, file string) lock.Library {
	t.Helper()
	for _, p := range l.LibrariesFor(target) {
		if p.File == file {
			return p
		}
	}
	t.Fatalf("weld.lock pins no %s for %s", file, target)
	return lock.Library{}
}

// lockedSysroot assembles the sysroot the example's lock pins for the target name.
func lockedSysroot(t *testing.T, l *lock.Lock, name string) *sysroot.Sysroot {
	locked, ok := l.SysrootFor(name)
	if !ok {
		t.Fatalf("weld.lock pins no sysroot for %s", name)
	}
	tgt, err := target.Parse(name)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := target.CLibArch(tgt)
	if err != nil {
		t.Fatal(err)
	}
	req := sysroot.Request{Archive: locked.Archive, Suite: locked.Suite, Arch: arch, Packages: locked.Request, CacheDir: outcache.DownloadDir()}
	req.Pins = append(req.Pins, locked.Packages...)
	sr, err := sysroot.Ensure(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return sr
}

// checkServer checks the served image; withCairo says whether the target
// composes the cairo plugin (Linux only).
func checkServer(t *testing.T, addr string, withCairo bool) {
	t.Helper()
	first, second := getPNG(t, addr), getPNG(t, addr)
	if got := color.RGBAModel.Convert(first.At(stampPixel.X, stampPixel.Y)); got != stampColor {
		t.Errorf("C++ stamp pixel at %v is %v, want %v", stampPixel, got, stampColor)
	}
	gotCairo := color.RGBAModel.Convert(first.At(cairoPixel.X, cairoPixel.Y)) == cairoColor
	if gotCairo != withCairo {
		t.Errorf("cairo pixel painted: %v, want %v", gotCairo, withCairo)
	}
	if !regionDiffers(first, second, countRegion) {
		t.Errorf("count region is the same in requests 1 and 2")
	}
	if first.Bounds().Size() != imgSize {
		t.Errorf("image size %v, want %v", first.Bounds().Size(), imgSize)
	}
	want := 3
	if withCairo {
		want = 4
	}
	if got := pluginList(t, addr); len(got) != want {
		t.Errorf("GET /plugins lists %v, want %d plugins", got, want)
	}
}

func installAndRun(t *testing.T, deb string) {
	t.Cleanup(func() { exec.Command("apt-get", "remove", "-y", "imgserver").Run() })
	run(t, "apt-get", "install", "-y", "--no-install-recommends", deb)
	checkServer(t, startCommand(t, []string{"/usr/bin/imgserver"}, nil), true)
}

func unzip(t *testing.T, zipFile, dir string) {
	r, err := zip.OpenReader(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, f := range r.File {
		in, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(in)
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f.Name)), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func fileSum(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func grepLines(s, sub string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return out
}
