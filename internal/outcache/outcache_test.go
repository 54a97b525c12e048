package outcache

import (
	"bytes"
	"errors"
	"io/fs"
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
	if _, _, err := s.Get(key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get in an empty store: %v, want fs.ErrNotExist", err)
	}
	if err := s.Put(key, binary(t, "MZ binary"), meta); err != nil {
		t.Fatalf("Put: %v", err)
	}
	entry, got, err := s.Get(key)
	if err != nil {
		t.Fatalf("Get after Put: %v", err)
	}
	if !reflect.DeepEqual(got, meta) {
		t.Errorf("meta = %+v, want %+v", got, meta)
	}
	bin := filepath.Join(s.Dir, key, "app.exe")
	if data, err := os.ReadFile(bin); err != nil || string(data) != "MZ binary" {
		t.Errorf("cached binary = %q, %v", data, err)
	}
	if fi, err := os.Stat(bin); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("cached binary mode = %v, %v; want executable 0755", fi.Mode(), err)
	}
	if got := names(t, s.Dir); !reflect.DeepEqual(got, []string{key}) {
		t.Errorf("store holds %q, want only the entry", got)
	}
	if got := names(t, filepath.Join(s.Dir, key)); !reflect.DeepEqual(got, []string{"app.exe", "meta.json", "sha256sums"}) {
		t.Errorf("entry holds %q", got)
	}
	if _, _, err := s.Get(Key("build", "2")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Get of another key: %v, want fs.ErrNotExist", err)
	}

	// CopyOut, as the builder uses it to take the binary back out.
	out := filepath.Join(t.TempDir(), "dist", "app.exe")
	if err := entry.CopyOut(got.Name, out, 0o755); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(out); string(data) != "MZ binary" {
		t.Errorf("copied binary = %q", data)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("copied binary mode = %v, %v; want 0755", fi.Mode(), err)
	}
}

// TestPutReplaces: a Put of a key already present replaces its entry, so
// that a rebuild (after a damaged entry, or with --no-cache) is what the
// next build reads.
func TestPutReplaces(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
	key := Key("k")
	if err := s.Put(key, binary(t, "one"), Meta{Name: "app", Fingerprint: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(key, binary(t, "two"), Meta{Name: "app", Fingerprint: "b"}); err != nil {
		t.Fatalf("second Put: %v", err)
	}
	entry, meta, err := s.Get(key)
	if err != nil || meta.Fingerprint != "b" {
		t.Fatalf("Get = %+v, %v", meta, err)
	}
	if data, err := entry.ReadFile("app"); string(data) != "two" {
		t.Errorf("binary = %q, %v; want the second one", data, err)
	}
	if got := names(t, s.Dir); !reflect.DeepEqual(got, []string{key}) {
		t.Errorf("store holds %q, want only the entry", got)
	}
}

func TestPutGetFiles(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
	key := Key("packages")
	dir := t.TempDir()
	var files []string
	for _, n := range []string{"app_1.0_linux_amd64.tar.gz", "app_1.0_amd64.deb"} {
		files = append(files, filepath.Join(dir, n))
		if err := os.WriteFile(files[len(files)-1], []byte("content of "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutFiles(key, files); err != nil {
		t.Fatalf("PutFiles: %v", err)
	}
	entry, got, err := s.GetFiles(key)
	if err != nil {
		t.Fatalf("GetFiles: %v", err)
	}
	if want := []string{"app_1.0_linux_amd64.tar.gz", "app_1.0_amd64.deb"}; !reflect.DeepEqual(got, want) {
		t.Errorf("names = %q, want %q in the order stored", got, want)
	}
	out := t.TempDir()
	for _, n := range got {
		if err := entry.CopyOut(n, filepath.Join(out, n), 0o644); err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(filepath.Join(out, n)); string(data) != "content of "+n {
			t.Errorf("%s = %q", n, data)
		}
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
	if got := names(t, filepath.Join(s.Dir, key)); !reflect.DeepEqual(got, []string{"app", "meta.json", "sha256sums"}) {
		t.Errorf("entry holds %q, want app, meta.json and sha256sums", got)
	}
	entry, meta, err := s.Get(key)
	if err != nil || meta.Target != "linux/amd64" {
		t.Fatalf("Get = %+v, %v", meta, err)
	}
	if data, _ := entry.ReadFile("app"); !bytes.Equal(data, content) {
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
	if data, err := s.LoadComposition("k1"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadComposition of a missing key = %q, %v", data, err)
	}
	for _, kv := range [][2]string{{"k1", `{"a":1}`}, {"k2", `{"b":2}`}, {"k1", `{"a":3}`}} {
		if err := s.SaveComposition(kv[0], []byte(kv[1])); err != nil {
			t.Fatalf("SaveComposition(%s): %v", kv[0], err)
		}
	}
	for key, want := range map[string]string{"k1": `{"a":3}`, "k2": `{"b":2}`} {
		if data, err := s.LoadComposition(key); err != nil || string(data) != want {
			t.Errorf("LoadComposition(%s) = %q, %v; want %s", key, data, err, want)
		}
	}
	comp := filepath.Join(filepath.Dir(s.Dir), "comp")
	if got := names(t, comp); !reflect.DeepEqual(got, []string{"k1", "k2"}) {
		t.Errorf("comp directory holds %q", got)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("compositions were written into the output directory: %v", err)
	}
}

func TestNilStore(t *testing.T) {
	var s *Store
	if _, _, err := s.Get("k"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("nil Get: %v", err)
	}
	if err := s.Put("k", "/nonexistent", Meta{Name: "app"}); err != nil {
		t.Errorf("nil Put: %v", err)
	}
	if _, _, err := s.GetFiles("k"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("nil GetFiles: %v", err)
	}
	if err := s.PutFiles("k", []string{"/nonexistent"}); err != nil {
		t.Errorf("nil PutFiles: %v", err)
	}
	if _, err := s.LoadRecord(VerifiedDirs, "k"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("nil LoadRecord: %v", err)
	}
	if err := s.SaveRecord(VerifiedDirs, "k", []byte("x")); err != nil {
		t.Errorf("nil SaveRecord: %v", err)
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

// Downloads (sysroots) and outputs share one rule for the cache
// directory; only outputs are turned off by WELD_CACHE=off.
func TestDownloadDirFollowsTheCacheRule(t *testing.T) {
	t.Setenv("WELD_CACHE", "/somewhere/weld")
	if dir, ok := Dir(); !ok || dir != "/somewhere/weld" || DownloadDir() != dir {
		t.Errorf("WELD_CACHE set: Dir() = %q, %v; DownloadDir() = %q", dir, ok, DownloadDir())
	}
	t.Setenv("WELD_CACHE", "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	dir, ok := Dir()
	if xdgPlatform() && (!ok || dir != "/xdg/weld") {
		t.Errorf("default: Dir() = %q, %v; want /xdg/weld", dir, ok)
	}
	if DownloadDir() != dir {
		t.Errorf("default: DownloadDir() = %q, Dir() = %q; want the same", DownloadDir(), dir)
	}
	t.Setenv("WELD_CACHE", "off")
	if _, ok := Dir(); ok {
		t.Error("WELD_CACHE=off: Dir() is on")
	}
	if DownloadDir() != dir {
		t.Errorf("WELD_CACHE=off: DownloadDir() = %q, want the default %q: downloads are kept", DownloadDir(), dir)
	}
}
