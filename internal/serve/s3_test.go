package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/testtools"
)

// Two replicas sharing one real S3 server (the Versity S3 gateway on
// 127.0.0.1) serve each other's builds: what A built, B serves from the
// store without compiling.
func TestServeReplicasOnS3(t *testing.T) {
	fixtureEnv(t)
	s3 := testtools.StartS3(t)
	s3.Setenv(t)
	start := func() (*Server, *httptest.Server) {
		store, err := OpenStore(context.Background(), s3.URL)
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(Config{Catalog: testCatalog(t), Store: store, Workers: 1, Queue: 2, WorkRoot: t.TempDir(),
			Env: os.Environ(), Log: discardLog()})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(s.Handler())
		t.Cleanup(func() { hs.Close(); s.Close(); store.Close() })
		return s, hs
	}
	_, a := start()
	_, b := start()
	req := `{"app": "app", "plugins": ["hello"], "target": "` + target.Host().String() + `"}`
	resp, rec := post(t, a, req)
	if resp.StatusCode != 202 && resp.StatusCode != 200 {
		t.Fatalf("POST to A: %s %v", resp.Status, rec)
	}
	id, _ := rec["id"].(string)
	getBody(t, a.URL+"/api/builds/"+id+"/events") // until A's build ends
	var recA Record
	if err := json.Unmarshal(getBody(t, a.URL+"/api/builds/"+id), &recA); err != nil || recA.Status != Succeeded {
		t.Fatalf("A's build: %v %s %s", err, recA.Status, recA.Error)
	}
	if resp, rec := post(t, b, req); resp.StatusCode != 200 || rec["id"] != id {
		t.Fatalf("POST to B: %s %v, want 200 (finished) for build %s", resp.Status, rec, id)
	}
	binA := getBody(t, a.URL+"/api/builds/"+id+"/artifacts/"+recA.Primary)
	binB := getBody(t, b.URL+"/api/builds/"+id+"/artifacts/"+recA.Primary)
	if len(binA) == 0 || !bytes.Equal(binA, binB) {
		t.Errorf("B serves %d bytes, A built %d: want the same binary", len(binB), len(binA))
	}
	if got := metric(t, b, `weld_serve_builds_total{result="succeeded"}`); got != "0" {
		t.Errorf("B built %s times, want 0: it serves A's build from S3", got)
	}
	if got := metric(t, a, `weld_serve_builds_total{result="succeeded"}`); got != "1" {
		t.Errorf("A built %s times, want 1", got)
	}
}
