package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/target"
	"github.com/weldgo/weld/internal/testtools"
)

// childEnv, when set, makes the test binary a weld serve replica:
// STOREDIR|ADDRFILE|HANG|WORKROOT, where HANG=hang holds every build
// forever.
const childEnv = "WELD_SERVE_TEST_REPLICA"

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		os.Exit(runReplica(v))
	}
	os.Exit(m.Run())
}

// runReplica serves the fixture catalog on a free port of 127.0.0.1 and
// writes the address to a file, until it is killed.
func runReplica(arg string) int {
	f := strings.Split(arg, "|")
	text := strings.Replace(goodCatalog, "targets: [linux/amd64, windows/amd64]", "targets: ["+target.Host().String()+"]", 1)
	cat, err := ParseCatalog("catalog.yaml", os.TempDir(), []byte(text))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	store, err := OpenStore(context.Background(), f[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg := Config{Catalog: cat, Store: store, Workers: 2, Queue: 4, Env: os.Environ(), WorkRoot: f[3],
		LeaseTTL: time.Second, LeasePoll: 50 * time.Millisecond, Log: discardLog()}
	if f[2] == "hang" {
		cfg.beforeBuild = func(string) { select {} }
	}
	s, err := New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.WriteFile(f[1], []byte("http://"+ln.Addr().String()), 0o644); err != nil {
		return 1
	}
	http.Serve(ln, s.Handler())
	return 0
}

// startReplica starts a replica process and returns its URL and process.
func startReplica(t *testing.T, storeDir string, hang bool) (string, *os.Process) {
	t.Helper()
	dir := t.TempDir()
	addrFile := filepath.Join(dir, "addr")
	mode := "build"
	if hang {
		mode = "hang"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+storeDir+"|"+addrFile+"|"+mode+"|"+dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if url, err := os.ReadFile(addrFile); err == nil && len(url) > 0 {
			return string(url), cmd.Process
		}
	}
	t.Fatal("the replica did not start")
	return "", nil
}

func postTo(t *testing.T, url, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(url+"/api/builds", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %s %v", body, resp.Status, out)
	}
	return out
}

// Killing a replica loses nothing: the other serves the builds it
// finished, and takes over, once its lease expires, the build it was
// running.
func TestServeReplicaKilled(t *testing.T) {
	fixtureEnv(t)
	storeDir := t.TempDir()
	replicaKilled(t, storeDir, storeDir)
}

// The same with the replicas on a real S3 server (the Versity gateway,
// whose POSIX backend keeps object KEY of the bucket as a file).
func TestServeReplicaKilledOnS3(t *testing.T) {
	fixtureEnv(t)
	s3 := testtools.StartS3(t)
	s3.Setenv(t) // the replicas inherit the credentials
	replicaKilled(t, s3.URL, filepath.Join(s3.Dir, s3.Bucket))
}

// replicaKilled runs replicas on the store at storeURL, whose objects are
// the files under storeFiles.
func replicaKilled(t *testing.T, storeURL, storeFiles string) {
	storeDir := storeURL
	host := target.Host().String()
	a, procA := startReplica(t, storeDir, false)
	finished := postTo(t, a, `{"app": "app", "plugins": ["licensed"], "target": "`+host+`"}`)
	fid := finished["id"].(string)
	getBody(t, a+"/api/builds/"+fid+"/events") // until it is built
	binA := getBody(t, a+"/api/builds/"+fid+"/artifacts/app")
	procA.Kill()
	procA.Wait()

	// A replica that dies in the middle of a build.
	hung, procHung := startReplica(t, storeDir, true)
	running := postTo(t, hung, `{"app": "app", "plugins": ["hello"], "target": "`+host+`"}`)
	rid := running["id"].(string)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if keys, _ := filepath.Glob(filepath.Join(storeFiles, "leases", rid, "*")); len(keys) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica took no lease")
		}
	}
	procHung.Kill()
	procHung.Wait()

	b, _ := startReplica(t, storeDir, false)
	if got := getBody(t, b+"/api/builds/"+fid+"/artifacts/app"); !bytes.Equal(got, binA) {
		t.Error("the surviving replica does not serve the dead one's finished build")
	}
	again := postTo(t, b, `{"app": "app", "plugins": ["hello"], "target": "`+host+`"}`)
	if again["id"] != rid {
		t.Fatalf("the same request got build %v, want %s", again["id"], rid)
	}
	events := getBody(t, b+"/api/builds/"+rid+"/events")
	var rec Record
	json.Unmarshal(getBody(t, b+"/api/builds/"+rid), &rec)
	if rec.Status != Succeeded || !bytes.Contains(events, []byte(`"step":"compiling"`)) {
		t.Errorf("the interrupted build was not retried: %s %s\n%s", rec.Status, rec.Error, events)
	}
	bin := getBody(t, b+"/api/builds/"+rid+"/artifacts/app")
	exe := filepath.Join(t.TempDir(), "app")
	os.WriteFile(exe, bin, 0o755)
	if out, err := exec.Command(exe).CombinedOutput(); err != nil || !strings.Contains(string(out), "plugin: example.com/hello") {
		t.Errorf("the retried build's binary: %v\n%s", err, out)
	}
}
