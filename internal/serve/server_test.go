package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/target"
)

// testCatalog serves the fixture app and two plugins for the host.
func testCatalog(t testing.TB) *Catalog {
	t.Helper()
	text := strings.Replace(goodCatalog, "targets: [linux/amd64, windows/amd64]", "targets: ["+target.Host().String()+"]", 1)
	c, err := ParseCatalog("catalog.yaml", t.TempDir(), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startServer starts a server on 127.0.0.1 over the store in dir.
func startServer(t testing.TB, dir string, edit func(*Config)) (*Server, *httptest.Server) {
	t.Helper()
	store, err := OpenStore(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Catalog: testCatalog(t), Store: store, Workers: 2, Queue: 4, WorkRoot: t.TempDir(),
		Env: os.Environ(), Log: discardLog()}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		s.Close()
		store.Close()
	})
	return s, hs
}

func post(t *testing.T, hs *httptest.Server, body string) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.Post(hs.URL+"/api/builds", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("POST %s: answer is not JSON: %v", body, err)
	}
	return resp, out
}

func getBody(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, data)
	}
	return data
}

// metric reads one value from /metrics.
func metric(t *testing.T, hs *httptest.Server, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindSubmatch(getBody(t, hs.URL+"/metrics"))
	if m == nil {
		t.Fatalf("/metrics has no %s", name)
	}
	return string(m[1])
}

// Two identical requests at once are built once; the binary runs and
// lists its plugins; a second server on the same store serves the build
// without building.
func TestServeBuildsOnceAndFromStore(t *testing.T) {
	fixtureEnv(t)
	storeDir := t.TempDir()
	_, a := startServer(t, storeDir, nil)
	req := `{"app": "app", "plugins": ["hello"], "target": "` + target.Host().String() + `"}`
	ids := make([]string, 2)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, rec := post(t, a, req)
			if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
				t.Errorf("POST: %s %v", resp.Status, rec)
			}
			ids[i], _ = rec["id"].(string)
		}()
	}
	wg.Wait()
	if ids[0] == "" || ids[0] != ids[1] {
		t.Fatalf("identical requests got build ids %q and %q, want one", ids[0], ids[1])
	}
	id := ids[0]
	events := getBody(t, a.URL+"/api/builds/"+id+"/events")
	if n := bytes.Count(events, []byte(`"step":"compiling"`)); n != 2 { // started and finished
		t.Errorf("events of the build have %d compiling events, want 2:\n%s", n, events)
	}
	if got := metric(t, a, `weld_serve_builds_total{result="succeeded"}`); got != "1" {
		t.Errorf("builds succeeded = %s, want 1 (identical requests share a build)", got)
	}
	var rec Record
	if err := json.Unmarshal(getBody(t, a.URL+"/api/builds/"+id), &rec); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, f := range rec.Artifacts {
		kinds[f.Kind] = true
	}
	for _, k := range []string{"binary", "lock", "sbom", "provenance", "checksums", "manifest"} {
		if !kinds[k] {
			t.Errorf("build has no %s among %+v", k, rec.Artifacts)
		}
	}
	lockFile := string(getBody(t, a.URL+"/api/builds/"+id+"/artifacts/weld.lock"))
	if !strings.Contains(lockFile, "plugin example.com/hello v1.0.0") {
		t.Errorf("weld.lock does not pin hello v1.0.0 (the newest its range allows):\n%s", lockFile)
	}

	bin := getBody(t, a.URL+"/api/builds/"+id+"/artifacts/"+rec.Primary)
	exe := filepath.Join(t.TempDir(), rec.Primary)
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe).CombinedOutput()
	if err != nil {
		t.Fatalf("running the downloaded binary: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "plugin: example.com/hello v1.0.0") || !strings.Contains(string(out), "hello from v1.0.0") {
		t.Errorf("the downloaded binary does not list its plugin:\n%s", out)
	}

	// A second replica on the same store: the one-line GET answers the
	// same bytes, and nothing is built.
	_, b := startServer(t, storeDir, nil)
	url := fmt.Sprintf("%s/get?app=app&plugins=hello&os=%s&arch=%s", b.URL, target.Host().OS, target.Host().Arch)
	if got := getBody(t, url); !bytes.Equal(got, bin) {
		t.Errorf("the second server answered %d bytes, not the stored binary (%d bytes)", len(got), len(bin))
	}
	if got := metric(t, b, `weld_serve_builds_total{result="succeeded"}`); got != "0" {
		t.Errorf("the second server built %s times, want 0", got)
	}
	if got := metric(t, b, "weld_serve_cache_hits_total"); got != "1" {
		t.Errorf("the second server's cache hits = %s, want 1", got)
	}
	if got := getBody(t, b.URL+"/api/builds/"+id+"/events"); !bytes.Equal(got, events) {
		t.Errorf("the second server's events differ from the first's:\n%s\nwant:\n%s", got, events)
	}
}

// A full queue answers 503 with Retry-After; an identical request for a
// build in flight still joins it.
func TestServeQueueFull(t *testing.T) {
	fixtureEnv(t)
	hold := make(chan struct{})
	held := make(chan string, 4)
	_, hs := startServer(t, t.TempDir(), func(c *Config) {
		c.Workers, c.Queue = 1, 0
		c.beforeBuild = func(id string) { held <- id; <-hold }
	})
	defer close(hold)
	host := target.Host().String()
	resp, first := post(t, hs, `{"app": "app", "plugins": ["hello"], "target": "`+host+`"}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("first POST: %s %v", resp.Status, first)
	}
	<-held
	resp, again := post(t, hs, `{"app": "app", "plugins": ["hello"], "target": "`+host+`"}`)
	if resp.StatusCode != http.StatusAccepted || again["id"] != first["id"] {
		t.Errorf("the same request while its build runs: %s %v, want 202 with id %v", resp.Status, again, first["id"])
	}
	resp, refused := post(t, hs, `{"app": "app", "plugins": ["licensed"], "target": "`+host+`"}`)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || refused["error"] == nil {
		t.Errorf("another request with the queue full: %s Retry-After=%q %v, want 503 with Retry-After and an error",
			resp.Status, resp.Header.Get("Retry-After"), refused)
	}
	if got := metric(t, hs, "weld_serve_rejected_total"); got != "1" {
		t.Errorf("rejected = %s, want 1", got)
	}
}

// A build no client waits for is cancelled.
func TestServeCancelsAbandonedBuild(t *testing.T) {
	fixtureEnv(t)
	hold := make(chan struct{})
	s, hs := startServer(t, t.TempDir(), func(c *Config) {
		c.Abandon = 200 * time.Millisecond
		c.beforeBuild = func(string) { <-hold }
	})
	release := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(release)
	resp, rec := post(t, hs, `{"app": "app", "plugins": ["hello"], "target": "`+target.Host().String()+`"}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST: %s %v", resp.Status, rec)
	}
	s.mu.Lock()
	b := s.builds[rec["id"].(string)]
	s.mu.Unlock()
	select {
	case <-b.ctx.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("the build nobody waits for was not cancelled")
	}
	release()
	<-b.done
	var final Record
	json.Unmarshal(getBody(t, hs.URL+"/api/builds/"+b.rec.ID), &final)
	if final.Status != Cancelled {
		t.Errorf("status = %s (%s), want cancelled", final.Status, final.Error)
	}
	if got := metric(t, hs, `weld_serve_builds_total{result="cancelled"}`); got != "1" {
		t.Errorf("cancelled builds = %s, want 1", got)
	}
}

// Bad requests are 4xx JSON errors that name the field.
func TestServeRejectsBadRequests(t *testing.T) {
	_, hs := startServer(t, t.TempDir(), func(c *Config) {
		c.listVersions = func(context.Context, string) ([]string, error) { return []string{"v1.0.0"}, nil }
	})
	host := target.Host().String()
	for _, tc := range []struct {
		body   string
		status int
		field  string
	}{
		{`{"app": "app", "plugins": ["evil.com/x"], "target": "` + host + `"}`, 400, "plugins[0]"},
		{`{"app": "app", "plugins": ["hello@v1.1.0"], "target": "` + host + `"}`, 400, "plugins[0]"},
		{`{"app": "app", "version": "v9.0.0", "target": "` + host + `"}`, 400, "version"},
		{`{"app": "app", "target": "plan9/mips"}`, 400, "target"},
		{`{"app": "app", "target": "` + host + `", "flavour": "x"}`, 400, ""},
		{`{"app": "app", "target": "` + host + `", "plugins": ["` + strings.Repeat("x", maxRequestBytes) + `"]}`, 413, ""},
	} {
		resp, out := post(t, hs, tc.body)
		if resp.StatusCode != tc.status || tc.field != "" && out["field"] != tc.field || out["error"] == nil {
			t.Errorf("POST %.80s: %s %v, want %d naming %q", tc.body, resp.Status, out, tc.status, tc.field)
		}
	}
	resp, err := http.Get(hs.URL + "/api/builds/../../etc/passwd")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 4 {
		t.Errorf("GET a path that is not a build id: %s, want 4xx", resp.Status)
	}
	resp, err = http.Get(hs.URL + "/get?app=app&plugins=nope&os=linux&arch=amd64")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("/get with an unknown plugin: %s, want 400", resp.Status)
	}
}

// An image output is a docker-loadable tarball, with the binary's SBOM
// and the provenance beside it.
func TestServeImageTarball(t *testing.T) {
	if target.Host().OS != "linux" {
		t.Skip("skipping: images are built for Linux targets, and the fixture catalog serves the host")
	}
	fixtureEnv(t)
	_, hs := startServer(t, t.TempDir(), nil)
	host := target.Host()
	tarball := getBody(t, fmt.Sprintf("%s/get?app=app&plugins=hello&os=%s&arch=%s&output=image", hs.URL, host.OS, host.Arch))
	if !bytes.Contains(tarball, []byte("manifest.json")) {
		t.Errorf("the image output is not a docker tarball (%d bytes, no manifest.json)", len(tarball))
	}
	resp, rec := post(t, hs, `{"app": "app", "plugins": ["hello"], "target": "`+host.String()+`", "output": "image"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("POST for the built image: %s %v", resp.Status, rec)
	}
	kinds := map[string]bool{}
	for _, a := range rec["artifacts"].([]any) {
		kinds[a.(map[string]any)["kind"].(string)] = true
	}
	for _, k := range []string{"image", "binary", "sbom", "provenance", "lock"} {
		if !kinds[k] {
			t.Errorf("the image build has no %s: %v", k, rec["artifacts"])
		}
	}
}

// A build that runs longer than the build timeout is stopped, and fails
// saying so.
func TestServeBuildTimeout(t *testing.T) {
	fixtureEnv(t)
	_, hs := startServer(t, t.TempDir(), func(c *Config) {
		// The timeout also bounds the resolution a POST does, which may
		// take a few seconds on a busy machine with a cold module cache.
		c.BuildTimeout = 5 * time.Second
		c.beforeBuild = func(string) { time.Sleep(6 * time.Second) }
	})
	resp, rec := post(t, hs, `{"app": "app", "plugins": ["licensed"], "target": "`+target.Host().String()+`"}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST: %s %v", resp.Status, rec)
	}
	id := rec["id"].(string)
	events := getBody(t, hs.URL+"/api/builds/"+id+"/events")
	var final Record
	json.Unmarshal(getBody(t, hs.URL+"/api/builds/"+id), &final)
	if final.Status != Failed || !strings.Contains(final.Error, "took longer than 5s") {
		t.Errorf("status %s (%s), want failed for the timeout", final.Status, final.Error)
	}
	if !bytes.Contains(events, []byte(`"type":"error"`)) {
		t.Errorf("the events do not end with the error:\n%s", events)
	}
}
