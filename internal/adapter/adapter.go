// Package adapter finds how an app is wired and works out what that means
// for one composition: which adapter is in force (the manifest's, the
// app's own, or one weld embeds for a popular app), which default plugins
// are kept, and the order of an ordered list. compose renders the
// generated main from what it returns.
package adapter

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/weldgo/weld/internal/spec"
)

// FileName is where an app module ships its own adapter: at its root.
const FileName = "weld.adapter.yaml"

//go:embed embedded/*.yaml
var embedded embed.FS

// Found is the adapter in force for a composition.
type Found struct {
	*spec.Adapter
	// Source says where it came from, as weld.lock records it:
	// "file:PATH" (the manifest's, PATH relative to the manifest),
	// "app" (shipped in the app's module) or "embedded:NAME".
	Source string
	// Hash is the sha256 of the file's bytes, as "sha256:HEX".
	Hash string
}

// Find returns the adapter for the manifest's app, whose module source at
// version is in appDir: the
// file the manifest names, else the app's own weld.adapter.yaml, else one
// embedded in weld for the app's module path. It returns nil when there
// is none: the app registers plugins in init and has a main package.
func Find(s *spec.Spec, appDir, version string) (*Found, error) {
	app := s.App
	if app.Adapter != "" {
		data, err := os.ReadFile(app.Adapter)
		if err != nil {
			return nil, &spec.Error{Pos: app.AdapterPos, Msg: fmt.Sprintf("app.adapter: %v", err)}
		}
		return load(app, FileSource(s.Dir, app.Adapter), relToCwd(app.Adapter), data)
	}
	if appDir != "" {
		file := filepath.Join(appDir, FileName)
		data, err := os.ReadFile(file)
		switch {
		case err == nil:
			where := relToCwd(file)
			if !app.Local() {
				where = app.Module + "@" + version + "/" + FileName
			}
			return load(app, "app", where, data)
		case !os.IsNotExist(err):
			return nil, fmt.Errorf("reading the app's adapter: %w", err)
		}
	}
	name, data, ok := Embedded(app.Module)
	if !ok {
		return nil, nil
	}
	return load(app, "embedded:"+name, "weld's embedded adapter "+name, data)
}

// Embedded returns the adapter weld embeds for an app module, by the
// module path its app: names.
func Embedded(module string) (name string, data []byte, ok bool) {
	e, ok := embeddedByApp()[module]
	return e.name, e.data, ok
}

type embeddedAdapter struct {
	name string
	data []byte
}

// embeddedByApp indexes the embedded adapters by their app's module path,
// once: every build's drift check and resolution ask.
var embeddedByApp = sync.OnceValue(func() map[string]embeddedAdapter {
	out := map[string]embeddedAdapter{}
	entries, _ := fs.ReadDir(embedded, "embedded")
	for _, e := range entries {
		b, err := embedded.ReadFile("embedded/" + e.Name())
		if err != nil {
			continue
		}
		if a, err := spec.ParseAdapter(e.Name(), b); err == nil {
			out[a.App] = embeddedAdapter{strings.TrimSuffix(e.Name(), path.Ext(e.Name())), b}
		}
	}
	return out
})

// FileSource is how weld.lock records an adapter file the manifest
// names: "file:" and its path relative to the manifest's directory.
func FileSource(manifestDir, file string) string {
	rel, err := filepath.Rel(manifestDir, file)
	if err != nil {
		rel = file
	}
	return "file:" + filepath.ToSlash(rel)
}

// EmbeddedNames lists the embedded adapters.
func EmbeddedNames() []string {
	entries, _ := fs.ReadDir(embedded, "embedded")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
	}
	sort.Strings(out)
	return out
}

// Hash is the adapter content hash weld.lock records.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func load(app spec.App, source, where string, data []byte) (*Found, error) {
	a, err := spec.ParseAdapter(where, data)
	if err != nil {
		return nil, err
	}
	if a.App != app.Module {
		return nil, &spec.Error{Pos: a.Pos, Msg: fmt.Sprintf("this adapter is for app %s, and the manifest's app is %s", a.App, app.Module)}
	}
	return &Found{Adapter: a, Source: source, Hash: Hash(data)}, nil
}

func relToCwd(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}
