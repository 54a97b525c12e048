package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// imageOut is what weld image printed on stdout.
type imageOut struct {
	images map[string]string // target -> digest
	index  string
	wrote  []string
	// attached are the tags of the SBOMs and attestations beside them.
	attached []string
}

func weldImage(t *testing.T, args ...string) imageOut {
	t.Helper()
	out := imageOut{images: map[string]string{}}
	for _, line := range strings.Split(strings.TrimSpace(weldRun(t, append([]string{"image"}, args...)...)), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 4 && f[0] == "image":
			out.images[f[1]] = f[2]
		case len(f) == 2 && f[0] == "index":
			out.index = f[1]
		case len(f) == 2 && f[0] == "attached":
			out.attached = append(out.attached, f[1])
		default:
			out.wrote = append(out.wrote, line)
		}
	}
	return out
}

// TestImageImgserver builds OCI images of the example with its cgo plugins
// on scratch and checks them with the tools people use: skopeo reads them,
// umoci unpacks them, the unpacked linux/amd64 root file system serves the
// plugins' PNG under chroot and under runc as a non-root user, the arm64
// and armhf root file systems serve it under qemu-user with nothing but
// the image's own loader and libraries, a second build gives the same
// digests, and the index round-trips through a local registry.
func TestImageImgserver(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: -short, and this builds three targets and runs them")
	}
	for _, tool := range []string{"go", "pkg-config", "skopeo", "umoci", "chroot"} {
		requireTool(t, tool)
	}
	if err := exec.Command("pkg-config", "--exists", "cairo").Run(); err != nil {
		missing(t, "cairo's development files are not installed (apt-get install libcairo2-dev)")
	}
	if os.Geteuid() != 0 {
		missing(t, "running an image's root file system with chroot and runc needs root")
	}
	manifest, err := filepath.Abs("../../examples/imgserver/weld.yaml")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	dist := filepath.Join(work, "dist")

	t.Run("linux_amd64", func(t *testing.T) {
		lay := filepath.Join(work, "amd64")
		out := weldImage(t, "-f", manifest, "--locked", "-o", dist, "--target", "linux/amd64", "--layout", lay)
		digest := out.images["linux/amd64"]
		var info struct {
			Digest, Architecture, Created string
			Layers                        []string
			Labels                        map[string]string
		}
		skopeoJSON(t, &info, "inspect", "oci:"+lay+":latest")
		if info.Digest != digest || info.Architecture != "amd64" || info.Created != "1980-01-01T00:00:00Z" || len(info.Layers) != 2 {
			t.Errorf("skopeo inspect: digest %s arch %s created %s, %d layers; want %s amd64 1980-01-01T00:00:00Z, 2 layers",
				info.Digest, info.Architecture, info.Created, len(info.Layers), digest)
		}
		if c := info.Labels["dev.weld.composition"]; !strings.Contains(c, examplePrefix+"plugins/cairo") {
			t.Errorf("dev.weld.composition label %q does not list the cairo plugin", c)
		}
		if v := info.Labels["org.opencontainers.image.version"]; v != "1.0.0" {
			t.Errorf("version label %q, want 1.0.0", v)
		}
		var cfg struct{ Config struct{ User string } }
		skopeoJSON(t, &cfg, "inspect", "--config", "oci:"+lay+":1.0.0")
		if cfg.Config.User != "65532:65532" {
			t.Errorf("user %q, want the non-root default 65532:65532", cfg.Config.User)
		}
		bundle := filepath.Join(work, "bundle-amd64")
		run(t, "umoci", "unpack", "--image", lay+":latest", bundle)
		rootfs := filepath.Join(bundle, "rootfs")
		for _, f := range []string{"lib64/ld-linux-x86-64.so.2", "usr/lib/x86_64-linux-gnu/libcairo.so.2", "usr/lib/x86_64-linux-gnu/libstdc++.so.6"} {
			if _, err := os.Stat(filepath.Join(rootfs, f)); err != nil {
				t.Errorf("the image lacks /%s: %v", f, err)
			}
		}
		t.Run("chroot", func(t *testing.T) {
			checkServer(t, startCommand(t, []string{"chroot", rootfs, "/usr/local/bin/imgserver"}, nil), true)
		})
		t.Run("runc", func(t *testing.T) {
			requireTool(t, "runc")
			checkServer(t, startRunc(t, bundle), true)
		})
	})

	t.Run("tarball", func(t *testing.T) {
		tarFile := filepath.Join(work, "imgserver.tar")
		weldImage(t, "-f", manifest, "--locked", "-o", dist, "--target", "linux/amd64", "--tarball", tarFile)
		var info struct{ Architecture string }
		skopeoJSON(t, &info, "inspect", "docker-archive:"+tarFile+":imgserver:1.0.0")
		if info.Architecture != "amd64" {
			t.Errorf("skopeo reads architecture %q from the tarball, want amd64", info.Architecture)
		}
		var m []struct{ RepoTags []string }
		if err := json.Unmarshal([]byte(output(t, "tar", "-xOf", tarFile, "manifest.json")), &m); err != nil {
			t.Fatal(err)
		}
		if len(m) != 1 || strings.Join(m[0].RepoTags, " ") != "imgserver:latest imgserver:1.0.0" {
			t.Errorf("manifest.json: %+v, want one image tagged imgserver:latest and imgserver:1.0.0", m)
		}
	})

	t.Run("multiarch", func(t *testing.T) {
		for _, tool := range []string{"aarch64-linux-gnu-gcc", "arm-linux-gnueabihf-gcc", "qemu-aarch64", "qemu-arm"} {
			requireTool(t, tool)
		}
		lay := filepath.Join(work, "multi")
		first := weldImage(t, "-f", manifest, "--locked", "-o", dist, "--layout", lay)
		raw := output(t, "skopeo", "inspect", "--raw", "oci:"+lay+":latest")
		if got := sha(raw); got != first.index {
			t.Errorf("skopeo's raw index hashes to %s, weld printed %s", got, first.index)
		}
		var idx struct {
			Manifests []struct {
				Digest   string
				Platform struct{ Architecture, OS, Variant string }
			}
		}
		if err := json.Unmarshal([]byte(raw), &idx); err != nil {
			t.Fatal(err)
		}
		var platforms []string
		for _, m := range idx.Manifests {
			p := m.Platform.OS + "/" + m.Platform.Architecture + "/" + m.Platform.Variant
			platforms = append(platforms, strings.TrimSuffix(p, "/"))
		}
		if got := strings.Join(platforms, " "); got != "linux/amd64 linux/arm64 linux/arm/v7" {
			t.Errorf("index platforms %s, want linux/amd64 linux/arm64 linux/arm/v7", got)
		}
		for _, c := range []struct{ target, qemu, arch, variant string }{
			{"linux/arm64", "qemu-aarch64", "arm64", ""}, {"linux/arm/7", "qemu-arm", "arm", "v7"},
		} {
			t.Run(strings.ReplaceAll(c.target, "/", "_"), func(t *testing.T) {
				one := filepath.Join(work, "one-"+c.arch)
				args := []string{"--insecure-policy", "--override-arch", c.arch}
				if c.variant != "" {
					args = append(args, "--override-variant", c.variant)
				}
				run(t, "skopeo", append(args, "copy", "oci:"+lay+":latest", "oci:"+one+":latest")...)
				bundle := filepath.Join(work, "bundle-"+c.arch)
				run(t, "umoci", "unpack", "--image", one+":latest", bundle)
				rootfs := filepath.Join(bundle, "rootfs")
				// -L makes the image's root the loader's: the loader and
				// every library come from the image.
				// No timeout(1) wrapper: the test's cleanup must kill
				// qemu itself.
				argv := []string{c.qemu, "-L", rootfs, filepath.Join(rootfs, "usr/local/bin/imgserver")}
				checkServer(t, startCommand(t, argv, append(os.Environ(), "LD_LIBRARY_PATH=")), true)
			})
		}

		t.Run("reproducible", func(t *testing.T) {
			again := weldImage(t, "-f", manifest, "--locked", "--no-cache", "-o", filepath.Join(work, "dist2"), "--layout", filepath.Join(work, "multi2"))
			if again.index != first.index {
				t.Errorf("index digest %s, then %s", first.index, again.index)
			}
			for target, d := range first.images {
				if again.images[target] != d {
					t.Errorf("%s: image digest %s, then %s", target, d, again.images[target])
				}
			}
		})

		t.Run("registry", func(t *testing.T) {
			requireTool(t, "docker-registry")
			addr := startRegistry(t)
			repo := addr + "/weld/imgserver"
			key := filepath.Join(work, "weld")
			weldRun(t, "keygen", "--output-key-prefix", key)
			pushed := weldImage(t, "-f", manifest, "--locked", "-o", dist, "--push", repo, "--sign-key", key+".key")
			if want := "pushed " + repo + "@" + first.index; strings.Join(pushed.wrote, "\n") != want {
				t.Errorf("weld printed %q, want %q", pushed.wrote, want)
			}
			// The registry serves the SBOM and the signature of each
			// platform image, and the index's attestation and signature,
			// under cosign's tags.
			wantTags := []string{"sha256-" + strings.TrimPrefix(first.index, "sha256:") + ".att", "sha256-" + strings.TrimPrefix(first.index, "sha256:") + ".sig"}
			for _, d := range first.images {
				wantTags = append(wantTags, "sha256-"+strings.TrimPrefix(d, "sha256:")+".sbom", "sha256-"+strings.TrimPrefix(d, "sha256:")+".sig")
			}
			sort.Strings(wantTags)
			got := append([]string(nil), pushed.attached...)
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(wantTags, " ") {
				t.Errorf("attached %q, want %q", got, wantTags)
			}
			for _, tag := range wantTags {
				raw := output(t, "skopeo", "inspect", "--tls-verify=false", "--raw", "docker://"+repo+":"+tag)
				if !strings.Contains(raw, "text/spdx+json") && !strings.Contains(raw, "application/vnd.dsse.envelope.v1+json") &&
					!strings.Contains(raw, "application/vnd.dev.cosign.simplesigning.v1+json") {
					t.Errorf("%s: not an SBOM, attestation or signature:\n%s", tag, raw)
				}
			}
			checkCosignSignatures(t, repo, first, key+".pub", filepath.Join(work, "other"))
			for _, tag := range []string{"latest", "1.0.0"} {
				raw := output(t, "skopeo", "inspect", "--tls-verify=false", "--raw", "docker://"+repo+":"+tag)
				if got := sha(raw); got != first.index {
					t.Errorf("%s: the registry serves %s, want the index %s", tag, got, first.index)
				}
			}
			pulled := filepath.Join(work, "pulled")
			run(t, "skopeo", "--insecure-policy", "copy", "--all", "--src-tls-verify=false", "docker://"+repo+":latest", "oci:"+pulled+":latest")
			if got := sha(output(t, "skopeo", "inspect", "--raw", "oci:"+pulled+":latest")); got != first.index {
				t.Errorf("pulled index %s, want %s", got, first.index)
			}
			for target, d := range first.images {
				if !strings.Contains(raw, d) {
					t.Errorf("%s: the index does not list image %s", target, d)
				}
			}
			// weld verify reads every platform image from the registry
			// and checks its program against weld.lock and the build's
			// provenance.
			verified := weldRun(t, "verify", "-f", manifest, "--provenance", filepath.Join(dist, "imgserver.intoto.json"), repo+":1.0.0")
			if !strings.HasPrefix(verified, "ok "+repo+":1.0.0: ") || strings.Count(verified, "(sha256 against ") != len(first.images) {
				t.Errorf("weld verify of the pushed index printed %q, want ok and each of its %d platform images checked", verified, len(first.images))
			}
		})
	})
}

// startRunc runs the umoci bundle with runc, in the host's network so the
// test can reach it, without a terminal, and returns the server's address.
func startRunc(t *testing.T, bundle string) string {
	t.Helper()
	path := filepath.Join(bundle, "config.json")
	var cfg map[string]any
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, &cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	proc := cfg["process"].(map[string]any)
	proc["terminal"] = false
	proc["args"] = append(proc["args"].([]any), "-addr", "127.0.0.1:0")
	linux := cfg["linux"].(map[string]any)
	var ns []any
	for _, n := range linux["namespaces"].([]any) {
		if n.(map[string]any)["type"] != "network" {
			ns = append(ns, n)
		}
	}
	linux["namespaces"] = ns
	if data, err = json.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("weld-image-test-%d", os.Getpid())
	t.Cleanup(func() { exec.Command("runc", "delete", "--force", id).Run() })
	// startCommand appends -addr to argv; sh ignores it (the address is
	// in config.json).
	return startCommand(t, []string{"sh", "-c", `exec runc run --bundle "$0" ` + id, bundle}, nil)
}

// startRegistry starts Debian's docker-registry on a free port of
// 127.0.0.1 with its storage in a temporary directory, and returns its
// address once it answers.
func startRegistry(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	config := filepath.Join(dir, "config.yml")
	yml := fmt.Sprintf("version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}\nhttp: {addr: %s}\n",
		filepath.Join(dir, "data"), addr)
	if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("docker-registry", "serve", config)
	logFile, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); logFile.Close() })
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := client.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr
			}
		}
	}
	log, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
	t.Fatalf("docker-registry did not answer on %s within 30s; log:\n%s", addr, log)
	return ""
}

func skopeoJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	if err := json.Unmarshal([]byte(output(t, "skopeo", args...)), v); err != nil {
		t.Fatalf("skopeo %s: %v", strings.Join(args, " "), err)
	}
}

// output runs a command and returns its standard output alone.
func output(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stderr strings.Builder
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// missing fails under CI and skips elsewhere.
func missing(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(reason)
	}
	t.Skip("skipping: " + reason)
}
