package outcache

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

func TestKey(t *testing.T) {
	tests := []struct {
		description string
		a, b        []string
	}{
		{"part boundary moved", []string{"ab", "c"}, []string{"a", "bc"}},
		{"empty part added", []string{"a"}, []string{"a", ""}},
		{"empty list and one empty part", nil, []string{""}},
		{"parts swapped", []string{"a", "b"}, []string{"b", "a"}},
		{"separator inside a part", []string{"a\nb"}, []string{"a", "b"}},
		{"length prefix forged", []string{"1:a\n", "b"}, []string{"1:a\n1:b"}},
		{"forged prefix of the next part", []string{"a\n1:b"}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			ka, kb := Key(tt.a...), Key(tt.b...)
			if ka == kb {
				t.Errorf("Key(%q) == Key(%q) == %s", tt.a, tt.b, ka)
			}
		})
	}
	if Key("x", "y") != Key("x", "y") {
		t.Error("Key is not deterministic")
	}
	if k := Key("x"); len(k) != 64 || strings.Trim(k, "0123456789abcdef") != "" {
		t.Errorf("Key = %q, want 64 lowercase hex digits", k)
	}
}

// binary writes a fake binary and returns its path.
func binary(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "built")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// names lists a directory's entries, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestPutGet(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
	key := Key("build", "1")
	meta := Meta{Name: "app.exe", Target: "windows/amd64", PkgConfig: []string{"cairo", "zlib"}, Fingerprint: "fp"}
	if _, _, ok := s.Get(key); ok {
		t.Fatal("Get found an entry in an empty store")
	}
	if err := s.Put(key, binary(t, "MZ binary"), meta); err != nil {
		t.Fatalf("Put: %v", err)
	}
	bin, got, ok := s.Get(key)
	if !ok {
		t.Fatal("Get after Put: not found")
	}
	if !reflect.DeepEqual(got, meta) {
		t.Errorf("meta = %+v, want %+v", got, meta)
	}
	if want := filepath.Join(s.Dir, key, "app.exe"); bin != want {
		t.Errorf("binary = %s, want %s", bin, want)
	}
	data, err := os.ReadFile(bin)
	if err != nil || string(data) != "MZ binary" {
		t.Errorf("cached binary = %q, %v", data, err)
	}
	if fi, err := os.Stat(bin); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("cached binary mode = %v, %v; want executable 0755", fi.Mode(), err)
	}
	if got := names(t, s.Dir); !reflect.DeepEqual(got, []string{key}) {
		t.Errorf("store holds %q, want only the entry", got)
	}
	if _, _, ok := s.Get(Key("build", "2")); ok {
		t.Error("Get found an entry for another key")
	}

	// CopyFile, as the builder uses it to take the binary back out.
	out := filepath.Join(t.TempDir(), "dist", "app.exe")
	if err := CopyFile(bin, out); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(out); string(data) != "MZ binary" {
		t.Errorf("copied binary = %q", data)
	}
}

// TestPutExistingKeepsFirst: the first entry stored under a key wins; a
// later Put of the same key is not an error and changes nothing.
func TestPutExistingKeepsFirst(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
	key := Key("k")
	if err := s.Put(key, binary(t, "one"), Meta{Name: "app", Fingerprint: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(key, binary(t, "two"), Meta{Name: "app", Fingerprint: "b"}); err != nil {
		t.Fatalf("second Put: %v", err)
	}
	bin, meta, ok := s.Get(key)
	if !ok || meta.Fingerprint != "a" {
		t.Fatalf("Get = %v, %+v", ok, meta)
	}
	if data, _ := os.ReadFile(bin); string(data) != "one" {
		t.Errorf("binary = %q, want the first one", data)
	}
	if got := names(t, s.Dir); !reflect.DeepEqual(got, []string{key}) {
		t.Errorf("store holds %q, want only the entry", got)
	}
}

func TestGetCorrupt(t *testing.T) {
	tests := []struct {
		description string
		files       map[string]string // in the entry directory; "" content means a directory
	}{
		{"empty entry directory", map[string]string{}},
		{"no meta.json", map[string]string{"app": "bin"}},
		{"meta.json is not JSON", map[string]string{"meta.json": "{name", "app": "bin"}},
		{"meta.json of the wrong shape", map[string]string{"meta.json": `{"name": 3}`, "app": "bin"}},
		{"binary missing", map[string]string{"meta.json": `{"name": "app"}`}},
		{"binary named by another name", map[string]string{"meta.json": `{"name": "app"}`, "other": "bin"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			s := &Store{Dir: t.TempDir()}
			key := Key(tt.description)
			entry := filepath.Join(s.Dir, key)
			if err := os.MkdirAll(entry, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(entry, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if bin, meta, ok := s.Get(key); ok || bin != "" || !reflect.DeepEqual(meta, Meta{}) {
				t.Errorf("Get = %q, %+v, %v; want nothing", bin, meta, ok)
			}
		})
	}
}

func TestConcurrentPut(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
	key := Key("same composition")
	content := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	src := filepath.Join(t.TempDir(), "built")
	if err := os.WriteFile(src, content, 0o755); err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.Put(key, src, Meta{Name: "app", Target: "linux/amd64"})
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put %d: %v", i, err)
		}
	}
	if got := names(t, s.Dir); !reflect.DeepEqual(got, []string{key}) {
		t.Errorf("store holds %q, want only the entry and no temporary directories", got)
	}
	if got := names(t, filepath.Join(s.Dir, key)); !reflect.DeepEqual(got, []string{"app", "meta.json"}) {
		t.Errorf("entry holds %q, want app and meta.json", got)
	}
	bin, meta, ok := s.Get(key)
	if !ok || meta.Target != "linux/amd64" {
		t.Fatalf("Get = %v, %+v", ok, meta)
	}
	if data, _ := os.ReadFile(bin); !bytes.Equal(data, content) {
		t.Errorf("cached binary has %d bytes, want %d identical bytes", len(data), len(content))
	}
}

func TestPutFailureLeavesNothing(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
	key := Key("k")
	if err := s.Put(key, filepath.Join(t.TempDir(), "missing"), Meta{Name: "app"}); err == nil {
		t.Fatal("Put of a missing binary succeeded")
	}
	if got := names(t, s.Dir); len(got) != 0 {
		t.Errorf("store holds %q after a failed Put", got)
	}
}

func TestComposition(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "weld", "out")}
	if data, ok := s.LoadComposition("k1"); ok {
		t.Fatalf("LoadComposition of a missing key = %q", data)
	}
	if err := s.SaveComposition("k1", []byte(`{"a":1}`)); err != nil {
		t.Fatalf("SaveComposition: %v", err)
	}
	if err := s.SaveComposition("k2", []byte(`{"b":2}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveComposition("k1", []byte(`{"a":3}`)); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"k1": `{"a":3}`, "k2": `{"b":2}`} {
		if data, ok := s.LoadComposition(key); !ok || string(data) != want {
			t.Errorf("LoadComposition(%s) = %q, %v; want %s", key, data, ok, want)
		}
	}
	comp := filepath.Join(filepath.Dir(s.Dir), "comp")
	if got := names(t, comp); !reflect.DeepEqual(got, []string{"k1.json", "k2.json"}) {
		t.Errorf("comp directory holds %q", got)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("compositions were written into the output directory: %v", err)
	}
}

func TestNilStore(t *testing.T) {
	var s *Store
	if _, _, ok := s.Get("k"); ok {
		t.Error("nil Get found an entry")
	}
	if err := s.Put("k", "/nonexistent", Meta{Name: "app"}); err != nil {
		t.Errorf("nil Put: %v", err)
	}
	if _, ok := s.LoadComposition("k"); ok {
		t.Error("nil LoadComposition found an entry")
	}
	if err := s.SaveComposition("k", []byte("x")); err != nil {
		t.Errorf("nil SaveComposition: %v", err)
	}
}

func TestOpen(t *testing.T) {
	tmp := t.TempDir()
	tests := []struct {
		description string
		env         map[string]string
		want        string // "" for a nil store
	}{
		{"WELD_CACHE set", map[string]string{"WELD_CACHE": tmp + "/cache"}, tmp + "/cache/out"},
		{"WELD_CACHE=off", map[string]string{"WELD_CACHE": "off", "XDG_CACHE_HOME": tmp + "/xdg"}, ""},
		{"default under XDG_CACHE_HOME", map[string]string{"WELD_CACHE": "", "XDG_CACHE_HOME": tmp + "/xdg"}, tmp + "/xdg/weld/out"},
		{"default under HOME", map[string]string{"WELD_CACHE": "", "XDG_CACHE_HOME": "", "HOME": tmp + "/home"}, tmp + "/home/.cache/weld/out"},
		{"no cache directory at all", map[string]string{"WELD_CACHE": "", "XDG_CACHE_HOME": "", "HOME": ""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if (strings.Contains(tt.description, "XDG") || strings.Contains(tt.description, "HOME")) && !xdgPlatform() {
				t.Skip("XDG_CACHE_HOME and HOME decide the cache directory only on Unix other than macOS")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			s := Open()
			got := ""
			if s != nil {
				got = s.Dir
			}
			if got != filepath.FromSlash(tt.want) {
				t.Errorf("Open().Dir = %q, want %q", got, tt.want)
			}
		})
	}
}

// xdgPlatform reports whether os.UserCacheDir follows XDG_CACHE_HOME and
// HOME here.
func xdgPlatform() bool {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		return false
	}
	return true
}
