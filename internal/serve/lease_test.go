package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/testtools"
)

// waitForEvent waits until a build of s has an event containing text.
func waitForEvent(t *testing.T, s *Server, id, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		b := s.builds[id]
		s.mu.Unlock()
		if b != nil && b.events != nil && bytes.Contains(b.events.ndjson(), []byte(text)) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("build %s never reported %q", id, text)
}

// Two replicas on one store: the one that asks second waits for the
// first one's lease and serves its build, without building.
func TestServeReplicasShareOneBuild(t *testing.T) {
	fixtureEnv(t)
	shareOneBuild(t, t.TempDir())
}

// The same on a real S3 server, whose conditional create makes the lease
// hold across machines.
func TestServeReplicasShareOneBuildOnS3(t *testing.T) {
	fixtureEnv(t)
	s3 := testtools.StartS3(t)
	s3.Setenv(t)
	shareOneBuild(t, s3.URL)
}

// shareOneBuild: replica A builds while B, asked for the same composition,
// waits for A's lease and serves A's build.
func shareOneBuild(t *testing.T, storeDir string) {
	hold, held := make(chan struct{}), make(chan string, 1)
	_, a := startServer(t, storeDir, func(c *Config) {
		c.beforeBuild = func(id string) { held <- id; <-hold }
	})
	sb, b := startServer(t, storeDir, func(c *Config) { c.LeasePoll = 20 * time.Millisecond })
	release := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(release) // before the servers stop, if the test fails early
	req := `{"app": "app", "plugins": ["hello"], "target": "` + target.Host().String() + `"}`
	if resp, rec := post(t, a, req); resp.StatusCode != 202 {
		t.Fatalf("POST to A: %s %v", resp.Status, rec)
	}
	id := <-held // A holds the lease and is building
	if resp, rec := post(t, b, req); resp.StatusCode != 202 || rec["id"] != id {
		t.Fatalf("POST to B: %s %v, want 202 for build %s", resp.Status, rec, id)
	}
	waitForEvent(t, sb, id, "another replica is building this composition")
	release()
	getBody(t, a.URL+"/api/builds/"+id+"/events")
	eventsB := getBody(t, b.URL+"/api/builds/"+id+"/events")
	if !bytes.Contains(eventsB, []byte(`"step":"compiling"`)) {
		t.Errorf("B's events do not include A's build steps:\n%s", eventsB)
	}
	var rec Record
	json.Unmarshal(getBody(t, b.URL+"/api/builds/"+id), &rec)
	if rec.Status != Succeeded {
		t.Fatalf("B's build: %s %s", rec.Status, rec.Error)
	}
	if got := metric(t, a, `weld_serve_builds_total{result="succeeded"}`); got != "1" {
		t.Errorf("A built %s times, want 1", got)
	}
	if got := metric(t, b, `weld_serve_builds_total{result="succeeded"}`); got != "0" {
		t.Errorf("B built %s times, want 0", got)
	}
	binA := getBody(t, a.URL+"/api/builds/"+id+"/artifacts/"+rec.Primary)
	if binB := getBody(t, b.URL+"/api/builds/"+id+"/artifacts/"+rec.Primary); !bytes.Equal(binA, binB) {
		t.Error("A and B serve different binaries for one build")
	}
	if keys, _ := sb.cfg.Store.List(context.Background(), leasePrefix(id)); len(keys) != 0 {
		t.Errorf("leases left after the build: %v", keys)
	}
}

// A lease left by a replica that died expires, and another replica takes
// the build over.
func TestServeTakesOverExpiredLease(t *testing.T) {
	fixtureEnv(t)
	s, hs := startServer(t, t.TempDir(), func(c *Config) { c.LeasePoll = 20 * time.Millisecond })
	ch, err := s.cfg.Catalog.check(context.Background(), Request{App: "app", Plugins: []string{"hello@v1.0.0"}, Target: target.Host().String()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, dir, err := s.resolve(context.Background(), ch)
	if err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(dir) // the request below resolves in its own
	dead, _ := json.Marshal(leaseBody{Owner: "dead-replica", Expires: time.Now().Add(700 * time.Millisecond)})
	if ok, err := s.cfg.Store.Create(context.Background(), leasePrefix(id)+"0", dead); !ok || err != nil {
		t.Fatalf("writing the dead replica's lease: %v %v", ok, err)
	}
	// A second create of the same lease fails: the store honours the
	// condition.
	if ok, err := s.cfg.Store.Create(context.Background(), leasePrefix(id)+"0", dead); ok || err != nil {
		t.Fatalf("a second conditional create succeeded (%v) or failed with %v", ok, err)
	}
	resp, rec := post(t, hs, `{"app": "app", "plugins": ["hello@v1.0.0"], "target": "`+target.Host().String()+`"}`)
	if resp.StatusCode != 202 || rec["id"] != id {
		t.Fatalf("POST: %s %v, want 202 for build %s", resp.Status, rec, id)
	}
	waitForEvent(t, s, id, "another replica is building this composition")
	events := getBody(t, hs.URL+"/api/builds/"+id+"/events")
	var final Record
	json.Unmarshal(getBody(t, hs.URL+"/api/builds/"+id), &final)
	if final.Status != Succeeded || !bytes.Contains(events, []byte(`"step":"compiling"`)) {
		t.Errorf("after the lease expired: %s %s, events:\n%s", final.Status, final.Error, events)
	}
	if got := metric(t, hs, `weld_serve_builds_total{result="succeeded"}`); got != "1" {
		t.Errorf("builds = %s, want 1 (taken over)", got)
	}
}
