package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/semver"

	"github.com/weldgo/weld/internal/target"
)

// Request asks for one composition. Plugins are "NAME" or
// "NAME@VERSION"; NAME is the catalog name or the module path. An empty
// version is the newest the catalog allows.
type Request struct {
	App     string   `json:"app"`
	Version string   `json:"version,omitempty"`
	Plugins []string `json:"plugins,omitempty"`
	Target  string   `json:"target"`
	Output  string   `json:"output,omitempty"`
}

// Limits on a request, so that no request makes the server do unbounded
// work before it is refused.
const (
	maxRequestBytes = 16 << 10
	maxPlugins      = 64
)

// apiError is an error answered as JSON, naming the request field at fault.
type apiError struct {
	Status int    `json:"-"`
	Field  string `json:"field,omitempty"`
	Msg    string `json:"error"`
	// RetryAfter, in seconds, is sent as Retry-After when set.
	RetryAfter int `json:"retry_after,omitempty"`
}

func (e *apiError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func badField(field, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// pick is a catalog module at a chosen version ("" for a local one).
type pick struct {
	M       *Module
	Version string
}

// choice is a request checked against the catalog: only catalog values,
// never the request's own strings, go into the manifest it makes.
type choice struct {
	App     pick
	Plugins []pick
	Target  string
	Output  string
}

// versionLister lists the published versions of a module.
type versionLister func(ctx context.Context, module string) ([]string, error)

// check validates a request against the catalog.
func (c *Catalog) check(ctx context.Context, r Request, list versionLister) (*choice, error) {
	ch := &choice{}
	app := c.App(r.App)
	if app == nil {
		return nil, badField("app", "%q is not in the catalog; apps are %s", r.App, names(c.Apps))
	}
	var err error
	if ch.App, err = choose(ctx, app, r.Version, "version", list); err != nil {
		return nil, err
	}
	if len(r.Plugins) > maxPlugins {
		return nil, badField("plugins", "%d plugins asked for; at most %d", len(r.Plugins), maxPlugins)
	}
	allowed := c.PluginsFor(app)
	seen := map[string]bool{}
	for i, p := range r.Plugins {
		field := fmt.Sprintf("plugins[%d]", i)
		name, version, _ := strings.Cut(strings.TrimSpace(p), "@")
		m := c.Plugin(name)
		if m == nil || !slices.ContainsFunc(allowed, func(a Module) bool { return a.Module == m.Module }) {
			return nil, badField(field, "plugin %q is not in the catalog for %s; plugins are %s", name, app.Name, names(allowed))
		}
		if seen[m.Module] {
			return nil, badField(field, "plugin %s is asked for twice", m.Name)
		}
		seen[m.Module] = true
		pk, err := choose(ctx, m, version, field, list)
		if err != nil {
			return nil, err
		}
		ch.Plugins = append(ch.Plugins, pk)
	}
	// The order of plugins does not change the composition.
	slices.SortFunc(ch.Plugins, func(a, b pick) int { return strings.Compare(a.M.Module, b.M.Module) })
	t, err := target.Parse(r.Target)
	if err != nil || !slices.Contains(c.Targets, t.String()) {
		return nil, badField("target", "%q is not a target of the catalog; targets are %s", r.Target, strings.Join(c.Targets, ", "))
	}
	ch.Target = t.String()
	ch.Output = r.Output
	if ch.Output == "" {
		ch.Output = OutputBinary
	}
	if !slices.Contains(c.Outputs, ch.Output) {
		return nil, badField("output", "%q is not an output of the catalog; outputs are %s", r.Output, strings.Join(c.Outputs, ", "))
	}
	if ch.Output == OutputImage && t.OS != "linux" {
		return nil, badField("output", "images are built for Linux targets only, not %s", ch.Target)
	}
	return ch, nil
}

// choose checks a version of m, or picks the newest allowed.
func choose(ctx context.Context, m *Module, version, field string, list versionLister) (pick, error) {
	if m.Local() {
		if version != "" {
			return pick{}, badField(field, "%s is built from the server's directory; it takes no version", m.Name)
		}
		return pick{M: m}, nil
	}
	if version != "" {
		if !semver.IsValid(version) || !m.Allows(version) {
			return pick{}, badField(field, "version %q of %s is not allowed; allowed: %s", version, m.Name, m.Allowed)
		}
		return pick{M: m, Version: version}, nil
	}
	candidates := m.Versions
	if m.Constraint != nil {
		published, err := list(ctx, m.Module)
		if err != nil {
			return pick{}, &apiError{Status: http.StatusBadGateway, Field: field, Msg: fmt.Sprintf("listing versions of %s: %v", m.Module, err)}
		}
		candidates = nil
		for _, v := range published {
			if m.Allows(v) && semver.Prerelease(v) == "" {
				candidates = append(candidates, v)
			}
		}
		semver.Sort(candidates)
	}
	if len(candidates) == 0 {
		return pick{}, &apiError{Status: http.StatusConflict, Field: field, Msg: fmt.Sprintf("no published version of %s is allowed (%s)", m.Module, m.Allowed)}
	}
	return pick{M: m, Version: candidates[len(candidates)-1]}, nil
}

func names(ms []Module) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	if len(out) == 0 {
		return "(none)"
	}
	return strings.Join(out, ", ")
}

// Manifest is the weld.yaml of the choice: building it with weld build
// gives the same binary (with the build's weld.lock beside it). Every
// value is quoted, so that no value can change the document's shape.
func (ch *choice) Manifest() string {
	var b strings.Builder
	q := strconv.Quote
	name := strings.ToLower(ch.App.M.Name)
	fmt.Fprintf(&b, "# weld.yaml made by weld serve; build it with: weld build --target %s\n", ch.Target)
	fmt.Fprintf(&b, "name: %s\n", q(name))
	if ch.Output == OutputDeb {
		v := strings.TrimPrefix(semver.Canonical(ch.App.Version), "v")
		if v == "" {
			v = "0.0.0"
		}
		fmt.Fprintf(&b, "version: %s\n", q(v))
	}
	b.WriteString("app:\n")
	writeSource(&b, "  ", ch.App)
	if ch.App.M.Adapter != "" {
		fmt.Fprintf(&b, "  adapter: %s\n", q(ch.App.M.Adapter))
	}
	if len(ch.Plugins) > 0 {
		b.WriteString("plugins:\n")
		for _, p := range ch.Plugins {
			writeSource(&b, "  - ", p)
		}
	}
	fmt.Fprintf(&b, "targets: [%s]\n", q(ch.Target))
	switch ch.Output {
	case OutputArchive:
		b.WriteString("outputs:\n  archive: true\n")
	case OutputDeb:
		desc := ch.App.M.Description
		if desc == "" {
			desc = ch.App.M.Module + " with plugins"
		}
		fmt.Fprintf(&b, "outputs:\n  deb:\n    maintainer: %s\n    description: %s\n", q("weld serve <weld-serve@localhost>"), q(desc))
	case OutputImage:
		fmt.Fprintf(&b, "outputs:\n  image:\n    name: %s\n", q(name))
	}
	return b.String()
}

func writeSource(b *strings.Builder, indent string, p pick) {
	fmt.Fprintf(b, "%smodule: %s\n", indent, strconv.Quote(p.M.Module))
	rest := strings.Repeat(" ", len(indent))
	if p.M.Local() {
		fmt.Fprintf(b, "%spath: %s\n", rest, strconv.Quote(p.M.Path))
		return
	}
	fmt.Fprintf(b, "%sversion: %s\n", rest, strconv.Quote(p.Version))
}

// key identifies the request's composition before it is resolved.
func (ch *choice) key() string {
	sum := sha256.Sum256([]byte("weld serve request v1\n" + ch.Output + "\n" + ch.Manifest()))
	return hex.EncodeToString(sum[:])
}

// local says whether a module comes from a directory, whose content may
// change under the same request.
func (ch *choice) local() bool {
	if ch.App.M.Local() {
		return true
	}
	return slices.ContainsFunc(ch.Plugins, func(p pick) bool { return p.M.Local() })
}

// Canonical is the request as the choice reads it.
func (ch *choice) Canonical() Request {
	r := Request{App: ch.App.M.Name, Version: ch.App.Version, Target: ch.Target, Output: ch.Output}
	for _, p := range ch.Plugins {
		s := p.M.Name
		if p.Version != "" {
			s += "@" + p.Version
		}
		r.Plugins = append(r.Plugins, s)
	}
	return r
}
