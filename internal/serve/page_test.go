package serve

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// The page, driven in headless Chromium: pick a plugin, build, watch the
// steps, download the binary; the binary runs and lists the plugin.
func TestPageInChromium(t *testing.T) {
	exe, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required under CI (apt-get install chromium): %v", err)
		}
		t.Skipf("skipping: chromium is not installed (%v)", err)
	}
	fixtureEnv(t)
	_, hs := startServer(t, t.TempDir(), nil)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	var status, steps, manifest string
	err = chromedp.Do(bctx,
		chromedp.Navigate(hs.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#plugin-hello")),
		chromedp.Click(chromedp.CSS("#plugin-hello")),
		chromedp.Click(chromedp.CSS("#build")),
		chromedp.WaitVisible(chromedp.CSS("a.artifact-binary")),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) (err error) {
			if status, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status"))); err != nil {
				return err
			}
			if steps, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#steps"))); err != nil {
				return err
			}
			manifest, err = chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#manifest")))
			return err
		}),
	)
	if err != nil {
		t.Fatalf("driving the page: %v", err)
	}
	if status != Succeeded || !strings.Contains(steps, "compiling") {
		t.Errorf("the page shows status %q and steps %q; want succeeded, with the compiling step", status, steps)
	}
	if !strings.Contains(manifest, `module: "example.com/hello"`) {
		t.Errorf("the page's weld.yaml does not name the plugin:\n%s", manifest)
	}

	dir := t.TempDir()
	progress := chromedp.Events(bctx, browser.DownloadProgress)
	yes := true
	err = chromedp.Do(bctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes})
			return err
		}),
		chromedp.Click(chromedp.CSS("a.artifact-binary")),
	)
	if err != nil {
		t.Fatalf("downloading: %v", err)
	}
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
	}
	if err := os.Chmod(file, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(file).CombinedOutput()
	if err != nil {
		t.Fatalf("running the downloaded binary: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "plugin: example.com/hello v1.0.0") {
		t.Errorf("the binary downloaded from the page does not list the plugin it was built with:\n%s", out)
	}
}
