package cacheprog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gocloud.dev/blob"

	"github.com/weldgo/weld/internal/store"
)

func openStore(t *testing.T) (*blob.Bucket, string) {
	t.Helper()
	dir := t.TempDir()
	b, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, dir
}

func newCache(t *testing.T, b *blob.Bucket) (*Cache, *bytes.Buffer) {
	log := new(bytes.Buffer)
	return &Cache{Bucket: b, Dir: t.TempDir(), Log: &syncWriter{w: log}}, log
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func ids(action string, body []byte) (actionID, outputID []byte) {
	a := sha256.Sum256([]byte(action))
	o := sha256.Sum256(body)
	return a[:], o[:]
}

// put stores body through one cache and waits for its upload.
func put(t *testing.T, c *Cache, actionID, outputID, body []byte) string {
	t.Helper()
	path, err := c.Put(context.Background(), actionID, outputID, body)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPutThenGetFromAnotherMachine(t *testing.T) {
	b, _ := openStore(t)
	body := []byte("compiled package")
	actionID, outputID := ids("compile fmt", body)
	writer, _ := newCache(t, b)
	path := put(t, writer, actionID, outputID, body)
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("put's DiskPath holds %q, %v; want the body", got, err)
	}

	reader, _ := newCache(t, b)
	res := reader.Get(context.Background(), actionID)
	if res.Miss || !bytes.Equal(res.OutputID, outputID) || res.Size != int64(len(body)) || res.Time == nil {
		t.Fatalf("get = %+v, want a hit with the put's output", res)
	}
	if !strings.HasPrefix(res.DiskPath, reader.Dir) {
		t.Errorf("DiskPath %s is outside the reader's directory %s", res.DiskPath, reader.Dir)
	}
	if got, _ := os.ReadFile(res.DiskPath); !bytes.Equal(got, body) {
		t.Errorf("DiskPath holds %q, want %q", got, body)
	}
	if n := reader.Stats().StoreHits.Load(); n != 1 {
		t.Errorf("store hits = %d, want 1", n)
	}
	// The second get is answered locally.
	if res := reader.Get(context.Background(), actionID); res.Miss {
		t.Fatal("second get missed")
	}
	if n := reader.Stats().LocalHits.Load(); n != 1 {
		t.Errorf("local hits = %d, want 1", n)
	}
}

func TestGetMisses(t *testing.T) {
	body := []byte("object")
	actionID, outputID := ids("link", body)
	action, output := hex.EncodeToString(actionID), hex.EncodeToString(outputID)
	tests := []struct {
		name    string
		damage  func(storeDir string) error // after a put
		warning string                      // "" if the miss is silent
	}{
		{"missing", func(string) error { return nil }, ""},
		{"output removed", func(d string) error {
			return os.Remove(filepath.Join(d, "cacheprog", "o", output))
		}, ""},
		{"output corrupt", func(d string) error {
			return os.WriteFile(filepath.Join(d, "cacheprog", "o", output), []byte("objecT"), 0o644)
		}, "corrupt object"},
		{"output truncated", func(d string) error {
			return os.WriteFile(filepath.Join(d, "cacheprog", "o", output), []byte("obj"), 0o644)
		}, "corrupt object"},
		{"record not JSON", func(d string) error {
			return os.WriteFile(filepath.Join(d, "cacheprog", "a", action), []byte("{garbage"), 0o644)
		}, "corrupt record"},
		{"record names no sha256", func(d string) error {
			return os.WriteFile(filepath.Join(d, "cacheprog", "a", action), []byte(`{"output":"abc","size":6}`), 0o644)
		}, "corrupt record"},
		{"record too large", func(d string) error {
			return os.WriteFile(filepath.Join(d, "cacheprog", "a", action), bytes.Repeat([]byte(" "), 2000), 0o644)
		}, "corrupt record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, dir := openStore(t)
			if tt.name != "missing" {
				w, _ := newCache(t, b)
				put(t, w, actionID, outputID, body)
			}
			if err := tt.damage(dir); err != nil {
				t.Fatal(err)
			}
			c, log := newCache(t, b)
			res := c.Get(context.Background(), actionID)
			if !res.Miss || res.DiskPath != "" || res.Err != "" {
				t.Fatalf("get = %+v, want a plain miss", res)
			}
			if tt.warning == "" && log.Len() > 0 || !strings.Contains(log.String(), tt.warning) {
				t.Errorf("log = %q, want a warning containing %q", log, tt.warning)
			}
			if entries, _ := os.ReadDir(c.Dir); len(entries) > 0 {
				t.Errorf("a miss left files in the local directory: %v", entries)
			}
		})
	}
}

func TestPutRejectsWrongOutputID(t *testing.T) {
	b, _ := openStore(t)
	c, _ := newCache(t, b)
	actionID, _ := ids("a", nil)
	_, outputID := ids("", []byte("other"))
	if _, err := c.Put(context.Background(), actionID, outputID, []byte("body")); err == nil {
		t.Fatal("put with an OutputID that is not the body's sha256 succeeded")
	}
}

// Concurrent writers of the same key (two machines compiling the same
// package) both succeed, and the store holds the one output.
func TestConcurrentPutsOfOneKey(t *testing.T) {
	b, _ := openStore(t)
	body := bytes.Repeat([]byte("x"), 1<<20)
	actionID, outputID := ids("same", body)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, log := newCache(t, b)
			put(t, c, actionID, outputID, body)
			if c.Stats().UploadErrors.Load() != 0 {
				t.Errorf("upload failed: %s", log)
			}
		}()
	}
	wg.Wait()
	c, _ := newCache(t, b)
	if res := c.Get(context.Background(), actionID); res.Miss {
		t.Fatal("get after concurrent puts missed")
	}
}

// An unreachable store makes every get a miss and every put a warning;
// the build goes on.
func TestStoreDown(t *testing.T) {
	b, _ := openStore(t)
	c, log := newCache(t, b)
	b.Close()
	body := []byte("b")
	actionID, outputID := ids("down", body)
	if res := c.Get(context.Background(), actionID); !res.Miss {
		t.Fatalf("get from a closed store = %+v, want a miss", res)
	}
	if _, err := c.Put(context.Background(), actionID, outputID, body); err != nil {
		t.Fatalf("put with a closed store failed the build: %v", err)
	}
	c.Close()
	if c.Stats().UploadErrors.Load() != 1 || !strings.Contains(log.String(), "uploading action") {
		t.Errorf("no upload warning; log = %q", log)
	}
}

// A corrupt output is removed from the store, so that the next put of it
// stores it whole again.
func TestCorruptOutputHeals(t *testing.T) {
	b, dir := openStore(t)
	body := []byte("object")
	actionID, outputID := ids("heal", body)
	w, _ := newCache(t, b)
	put(t, w, actionID, outputID, body)
	object := filepath.Join(dir, "cacheprog", "o", hex.EncodeToString(outputID))
	if err := os.WriteFile(object, []byte("damage"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _ := newCache(t, b)
	if res := c.Get(context.Background(), actionID); !res.Miss {
		t.Fatalf("get of a corrupt output = %+v, want a miss", res)
	}
	again, _ := newCache(t, b)
	put(t, again, actionID, outputID, body)
	if got, _ := os.ReadFile(object); !bytes.Equal(got, body) {
		t.Fatalf("after a new put the store holds %q, want %q", got, body)
	}
}

// A put stores again an output the store holds with the wrong size, even
// when the local directory already had it (no get read the damage).
func TestPutRestoresDamagedOutput(t *testing.T) {
	b, dir := openStore(t)
	body := []byte("object")
	actionID, outputID := ids("first", body)
	w, _ := newCache(t, b)
	put(t, w, actionID, outputID, body)
	object := filepath.Join(dir, "cacheprog", "o", hex.EncodeToString(outputID))
	if err := os.WriteFile(object, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	other, _ := ids("second", nil)
	c, _ := newCache(t, b)
	put(t, c, other, outputID, body)
	if got, _ := os.ReadFile(object); !bytes.Equal(got, body) {
		t.Fatalf("after a new put the store holds %q, want %q", got, body)
	}
}
