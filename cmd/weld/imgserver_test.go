package main

import (
	"bufio"
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/cli"
)

// The flagship example's documented pixels (examples/imgserver/README.md).
var (
	imgSize     = image.Pt(320, 240)
	cairoPixel  = image.Pt(220, 150)
	cairoColor  = color.RGBA{R: 255, G: 128, B: 0, A: 255}
	countRegion = image.Rect(8, 8, 170, 56)
	stampPixel  = image.Pt(40, 200)
	stampColor  = color.RGBA{R: 46, G: 139, B: 87, A: 255}
)

const examplePrefix = "github.com/weldgo/weld/examples/imgserver/"

// TestImgserver builds the image server example with all three plugins,
// serves it on a free port and checks what a user sees: the PNG's size,
// the cairo plugin's pixels, the request counter changing, and the plugin
// list the binary reports.
func TestImgserver(t *testing.T) {
	requireTool(t, "go")
	requireTool(t, "gcc")
	requireTool(t, "pkg-config")
	if err := exec.Command("pkg-config", "--exists", "cairo").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("cairo's development files are required under CI (apt-get install libcairo2-dev)")
		}
		t.Skip("skipping: cairo's development files are not installed (apt-get install libcairo2-dev)")
	}
	manifest, err := filepath.Abs("../../examples/imgserver/weld.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bin := weldBuild(t, "build", "-f", manifest, "-o", t.TempDir())
	addr := startServer(t, bin)

	first, second := getPNG(t, addr), getPNG(t, addr)
	if got := first.Bounds().Size(); got != imgSize {
		t.Errorf("image size %v, want %v", got, imgSize)
	}
	if got := color.RGBAModel.Convert(first.At(cairoPixel.X, cairoPixel.Y)); got != cairoColor {
		t.Errorf("cairo pixel at %v is %v, want %v", cairoPixel, got, cairoColor)
	}
	if got := color.RGBAModel.Convert(first.At(stampPixel.X, stampPixel.Y)); got != stampColor {
		t.Errorf("C++ stamp pixel at %v is %v, want %v", stampPixel, got, stampColor)
	}
	if !regionDiffers(first, second, countRegion) {
		t.Errorf("count region %v is the same in requests 1 and 2", countRegion)
	}
	if regionDiffers(first, second, image.Rect(0, 0, imgSize.X, imgSize.Y).Intersect(image.Rect(countRegion.Max.X, 0, imgSize.X, imgSize.Y))) {
		t.Errorf("pixels outside the count region changed between requests")
	}
	want := []string{examplePrefix + "plugins/cairo", examplePrefix + "plugins/count", examplePrefix + "plugins/hello", examplePrefix + "plugins/stamp"}
	if got := pluginList(t, addr); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("GET /plugins lists %v, want %v", got, want)
	}
}

// TestImgserverWithoutCgo composes the example without its cgo plugins,
// from flags: cgo auto must then build a static, CGO_ENABLED=0 binary.
func TestImgserverWithoutCgo(t *testing.T) {
	requireTool(t, "go")
	dir, err := filepath.Abs("../../examples/imgserver")
	if err != nil {
		t.Fatal(err)
	}
	bin := weldBuild(t, "build", "-o", t.TempDir(),
		"--app", examplePrefix+"app="+filepath.Join(dir, "app"), "--name", "imgserver",
		"--with", examplePrefix+"plugins/hello="+filepath.Join(dir, "plugins/hello"),
		"--with", examplePrefix+"plugins/count="+filepath.Join(dir, "plugins/count"))
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range bi.Settings {
		if s.Key == "CGO_ENABLED" && s.Value != "0" {
			t.Errorf("CGO_ENABLED=%s, want 0 for a pure-Go composition", s.Value)
		}
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("binary has a dynamic loader; want a static binary")
		}
	}
	addr := startServer(t, bin)
	img := getPNG(t, addr)
	if got := color.RGBAModel.Convert(img.At(cairoPixel.X, cairoPixel.Y)); got == cairoColor {
		t.Errorf("cairo pixel painted without the cairo plugin")
	}
	want := []string{examplePrefix + "plugins/count", examplePrefix + "plugins/hello"}
	if got := pluginList(t, addr); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("GET /plugins lists %v, want %v", got, want)
	}
}

// weldRun runs weld in-process and returns what it printed on stdout.
func weldRun(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := cli.Main(args, &stdout, &stderr); code != 0 {
		t.Fatalf("weld %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// weldBuild runs weld build and returns the binary it printed first.
func weldBuild(t *testing.T, args ...string) string {
	t.Helper()
	return strings.Fields(weldRun(t, args...))[0]
}

// startServer runs the binary on a free port and returns its address.
func startServer(t *testing.T, bin string) string {
	t.Helper()
	return startCommand(t, []string{bin}, nil)
}

// startCommand runs argv with -addr 127.0.0.1:0 appended (env nil means
// the test's own) and returns the server's address, read from its
// "listening on" log line.
func startCommand(t *testing.T, argv []string, env []string) string {
	t.Helper()
	cmd := exec.Command(argv[0], append(argv[1:], "-addr", "127.0.0.1:0")...)
	cmd.Env = env
	// Its own process group, so that cleanup also stops what a wrapper
	// such as timeout started (qemu, wine).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	found := make(chan string, 1)
	var logged []string
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logged = append(logged, sc.Text())
			if _, addr, ok := strings.Cut(sc.Text(), "listening on "); ok {
				found <- addr
			}
		}
		close(found)
	}()
	select {
	case addr, ok := <-found:
		if !ok {
			t.Fatalf("server exited without listening; log:\n%s", strings.Join(logged, "\n"))
		}
		return addr
	case <-time.After(3 * time.Minute):
		t.Fatal("server did not report its address within 3 minutes")
	}
	return ""
}

func getPNG(t *testing.T, addr string) image.Image {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "image/png" {
		t.Fatalf("GET /: %s, Content-Type %q", resp.Status, ct)
	}
	img, err := png.Decode(resp.Body)
	if err != nil {
		t.Fatalf("decoding PNG: %v", err)
	}
	return img
}

func pluginList(t *testing.T, addr string) []string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/plugins")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var plugins []struct {
		Module struct{ Path, Version string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&plugins); err != nil {
		t.Fatalf("decoding /plugins: %v", err)
	}
	var paths []string
	for _, p := range plugins {
		paths = append(paths, p.Module.Path)
	}
	sort.Strings(paths)
	return paths
}

func regionDiffers(a, b image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if fmt.Sprint(a.At(x, y)) != fmt.Sprint(b.At(x, y)) {
				return true
			}
		}
	}
	return false
}
