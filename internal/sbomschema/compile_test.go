package sbomschema

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// recordingLoader is a localLoader that notes every URL asked of it.
type recordingLoader struct {
	local localLoader
	asked []string
}

func (l *recordingLoader) Load(url string) (any, error) {
	l.asked = append(l.asked, url)
	return l.local.Load(url)
}

// TestReferencesResolveToTheEmbeddedFiles: compiling the two root schemas
// asks the loader for exactly the embedded files' URLs: CycloneDX's
// relative references to spdx.schema.json and jsf-0.82.schema.json resolve
// to them, and nothing else is needed.
func TestReferencesResolveToTheEmbeddedFiles(t *testing.T) {
	files, err := readEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	loader := &recordingLoader{local: localLoader(files)}
	for _, root := range []string{spdxURL, cycloneDXURL} {
		if _, err := compile(loader, root); err != nil {
			t.Fatalf("compiling %s: %v", root, err)
		}
	}
	slices.Sort(loader.asked)
	want := slices.Sorted(maps.Keys(embeddedByURL))
	if !slices.Equal(loader.asked, want) {
		t.Errorf("the loader was asked for\n%s\nwant\n%s", strings.Join(loader.asked, "\n"), strings.Join(want, "\n"))
	}
}

// TestRemoteReferencesAreRefused: a schema that references anything but
// the given files fails to compile with the loader's refusal, and the
// server it names never hears of it. The server is real (on loopback), so
// a loader that did fetch would succeed, and the test would see it.
func TestRemoteReferencesAreRefused(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		fmt.Fprint(w, `{"type": "string"}`)
	}))
	defer srv.Close()

	// A schema file that exists on disk, as a file URL.
	abs, err := filepath.Abs("testdata/spdx.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	fileURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()

	for _, ref := range []string{
		srv.URL + "/other.schema.json",
		srv.URL + "/spdx.schema.json#/definitions/x",
		// CycloneDX's site, but not a file it references.
		"http://cyclonedx.org/schema/bom-1.5.schema.json",
		"https://cyclonedx.org/schema/spdx.schema.json",
		fileURL,
	} {
		t.Run(ref, func(t *testing.T) {
			const root = "http://weld.test/root.schema.json"
			files := map[string][]byte{
				root: fmt.Appendf(nil, `{"$schema": "http://json-schema.org/draft-07/schema#", "$ref": %q}`, ref),
			}
			_, err := compile(localLoader(files), root)
			if err == nil {
				t.Fatalf("a reference to %s compiled", ref)
			}
			if !strings.Contains(err.Error(), ErrNotLocal.Error()) {
				t.Errorf("the error is not the loader's refusal: %v", err)
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the server got %d requests", n)
	}
}

// TestRootURLMustBeLocal: even the root schema loads only from the files.
func TestRootURLMustBeLocal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "root.schema.json")
	if err := os.WriteFile(path, []byte(`{"type": "object"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := compile(localLoader(nil), path)
	if err == nil || !strings.Contains(err.Error(), ErrNotLocal.Error()) {
		t.Errorf("compiling a schema from disk: got %v, want the loader's refusal", err)
	}
}
