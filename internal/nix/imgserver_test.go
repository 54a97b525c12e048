package nix_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/cli"
	"github.com/weldgo/weld/internal/nix"
)

// TestImgserverFlake exports the flagship example, whose cairo plugin
// needs a C library, and checks the flake: nixpkgs' cairo with pkg-config,
// a vendorHash equal to Nix's hash of the vendor directory, sources that
// refer to nothing outside the flake, and, with Nix installed, that it
// parses and evaluates offline against the stub nixpkgs. The repository
// is not written: --locked forbids a lock update, and the tree is compared
// before and after.
func TestImgserverFlake(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("skipping: go is not installed")
	}
	example, err := filepath.Abs(filepath.Join("..", "..", "examples", "imgserver"))
	if err != nil {
		t.Fatal(err)
	}
	sdk := filepath.Join(example, "..", "..", "sdk")
	before := treeDigest(t, example) + treeDigest(t, sdk)

	tmp := t.TempDir()
	out, vendor := filepath.Join(tmp, "flake"), filepath.Join(tmp, "vendor")
	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"nix", "--locked", "-f", filepath.Join(example, "weld.yaml"), "-o", out,
		"--vendor-dir", vendor, "--system", "x86_64-linux", "--system", "aarch64-linux"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("weld nix: exit %d\n%s", code, stderr.String())
	}
	if after := treeDigest(t, example) + treeDigest(t, sdk); after != before {
		t.Errorf("weld nix changed examples/imgserver or sdk")
	}
	data, err := os.ReadFile(filepath.Join(out, "flake.nix"))
	if err != nil {
		t.Fatal(err)
	}
	flake := string(data)
	for _, want := range []string{
		"nativeBuildInputs = pkgs: [ pkgs.buildPackages.pkg-config ];",
		"buildInputs = pkgs: [ pkgs.cairo ];",
		`cgo = "1";`,
		"mv $out/bin/app $out/bin/imgserver",
		"linux-arm64 = build targets.linux-arm64 pkgs.pkgsCross.aarch64-multiplatform;",
		"linux-amd64 = build targets.linux-amd64 pkgs.pkgsCross.gnu64;",
		"plugin  github.com/weldgo/weld/examples/imgserver/plugins/cairo (local)",
	} {
		if !strings.Contains(flake, want) {
			t.Errorf("flake.nix lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("flake.nix:\n%s", flake)
	}
	sum, err := nix.HashPath(vendor)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("vendorHash = %q;", nix.SRI(sum)); !strings.Contains(flake, want) {
		t.Errorf("flake.nix lacks %s", want)
	}
	goMod, err := os.ReadFile(filepath.Join(out, "main", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`=> (\S+)`).FindAllStringSubmatch(string(goMod), -1); len(m) == 0 {
		t.Errorf("main/go.mod has no directory replacements:\n%s", goMod)
	} else {
		for _, r := range m {
			if !strings.HasPrefix(r[1], "../local/") {
				t.Errorf("main/go.mod replaces with %s, outside the flake's local/", r[1])
			}
		}
	}
	for _, f := range []string{"local/cairo/binding.go", "local/api/api.go", "local/sdk/point.go", "main/weld_composition.go"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}

	nix.RequireNix(t, "nix-instantiate", "nix-hash", "nix")
	nix.ParseCheck(t, filepath.Join(out, "flake.nix"))
	env := nix.NixEnv(t)
	if got := strings.TrimSpace(string(nix.RunNix(t, env, "", "nix-hash", "--type", "sha256", "--base32", vendor))); got != nix.Base32(sum[:]) {
		t.Errorf("nix-hash says %s, weld %s", got, nix.Base32(sum[:]))
	}
	if got := strings.TrimSpace(string(nix.RunNix(t, env, "", "nix", "hash", "path", vendor))); got != nix.SRI(sum) {
		t.Errorf("nix hash path says %s, weld %s", got, nix.SRI(sum))
	}
	pkgs := nix.StubArgs(t, filepath.Join(out, "flake.nix"))
	cross := pkgs["x86_64-linux"]["linux-arm64"]
	if fmt.Sprintf("%v %v %v", cross["buildInputs"], cross["nativeBuildInputs"], cross["host"]) != "[cairo@aarch64-linux] [pkg-config@x86_64-linux] aarch64-linux" {
		t.Errorf("x86_64-linux's linux-arm64 gets %v", cross)
	}
	evalFlake(t, out)
	buildFlake(t, out)
}

// evalFlake evaluates the flake as a flake, offline: nixpkgs is
// overridden with the stub, and a store in a temporary directory lets any
// user run it.
func evalFlake(t *testing.T, flake string) {
	store := nixTempDir(t)
	env := nix.NixEnv(t)
	args := func(cmd ...string) []string {
		return append(append([]string{"nix"}, cmd...), "--store", store, "--override-input", "nixpkgs", "path:"+stubDir(t))
	}
	show := nix.RunNix(t, env, "", append(args("flake", "show"), "--json", "path:"+flake)...)
	for _, want := range []string{`"linux-arm64"`, `"linux-amd64"`, `"apps"`} {
		if !bytes.Contains(show, []byte(want)) {
			t.Errorf("nix flake show lacks %s:\n%s", want, show)
		}
	}
	prog := nix.RunNix(t, env, "", append(args("eval"), "--raw", "path:"+flake+"#apps.x86_64-linux.default.program")...)
	if !regexp.MustCompile(`^/nix/store/[a-z0-9]{32}-imgserver-[^/]+/bin/imgserver$`).Match(prog) {
		t.Errorf("apps.x86_64-linux.default.program = %s", prog)
	}
}

// buildFlake builds the flake with nix build, offline, as root: the stub
// builds the way buildGoModule does, with the host's go, so Nix itself
// checks weld's vendorHash against the go-modules derivation's output.
// Building needs the machine's store and no sandbox, so root.
func buildFlake(t *testing.T, flake string) {
	if os.Geteuid() != 0 {
		t.Log("not building the flake: nix build without a sandbox needs root on a daemonless Nix")
		return
	}
	goEnv := func(key string) string {
		out, err := exec.Command("go", "env", key).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	env := append(nix.NixEnv(t, "sandbox = false"), "WELD_STUB_PATH="+os.Getenv("PATH"),
		"WELD_STUB_GOMODCACHE="+goEnv("GOMODCACHE"), "WELD_STUB_GOCACHE="+goEnv("GOCACHE"), "WELD_STUB_GOPROXY="+goEnv("GOPROXY"))
	build := []string{"nix", "build", "--impure", "--no-link", "--json", "--override-input", "nixpkgs", "path:" + stubDir(t)}
	out := nix.RunNix(t, env, "", append(build, "path:"+flake)...)
	m := regexp.MustCompile(`"out":"([^"]+)"`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("nix build printed %s", out)
	}
	usage, _ := exec.Command(filepath.Join(string(m[1]), "bin", "imgserver"), "-h").CombinedOutput()
	if !bytes.Contains(usage, []byte("hello plugin: initializing")) || !bytes.Contains(usage, []byte("-addr")) {
		t.Errorf("the built imgserver -h printed:\n%s", usage)
	}

	// With a wrong vendorHash, Nix refuses the go-modules output and names
	// weld's hash: the check is real.
	wrong := filepath.Join(t.TempDir(), "flake")
	if err := os.CopyFS(wrong, os.DirFS(flake)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(wrong, "flake.nix"))
	re := regexp.MustCompile(`vendorHash = "(sha256-[^"]+)"`)
	ours := re.FindSubmatch(data)[1]
	data = re.ReplaceAll(data, []byte(`vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="`))
	if err := os.WriteFile(filepath.Join(wrong, "flake.nix"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(build[0], append(build[1:], "path:"+wrong)...)
	cmd.Env = env
	msg, err := cmd.CombinedOutput()
	if err == nil || !bytes.Contains(msg, []byte("hash mismatch")) || !bytes.Contains(msg, ours) {
		t.Errorf("nix build with a wrong vendorHash: %v\n%s", err, msg)
	}
}

func stubDir(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("testdata", "stub-nixpkgs"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// nixTempDir is a temporary directory that may hold Nix's read-only store
// paths: they are made writable before it is removed.
func nixTempDir(t *testing.T) string {
	dir := t.TempDir()
	t.Cleanup(func() {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	return dir
}

// treeDigest hashes every path, mode and content under dir.
func treeDigest(t *testing.T, dir string) string {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v\n", p, info.Mode())
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
