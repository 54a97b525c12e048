package image

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"golang.org/x/mod/module"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// labels are the org.opencontainers.image.* labels weld knows, the
// composition the target's binary was built from (what it records), then
// the manifest's labels, which win.
func (ib *Builder) labels(t target.Target) (map[string]string, error) {
	sp, img, created := ib.Spec, ib.Settings, ib.Created
	l := map[string]string{
		"org.opencontainers.image.title":   sp.Name,
		"org.opencontainers.image.created": created.UTC().Format(time.RFC3339),
	}
	set := func(k, v string) {
		if v != "" {
			l[k] = v
		}
	}
	set("org.opencontainers.image.version", sp.Version)
	if d := sp.Outputs.Deb; d != nil {
		set("org.opencontainers.image.description", d.Description)
		set("org.opencontainers.image.url", d.Homepage)
	}
	c, err := ib.Comp.ForTarget(t.String())
	if err != nil {
		return nil, err
	}
	r := c.Record()
	set("org.opencontainers.image.source", sourceURL(r.App.Path))
	if module.IsPseudoVersion(r.App.Version) {
		rev, _ := module.PseudoVersionRev(r.App.Version)
		set("org.opencontainers.image.revision", rev)
	}
	label := struct {
		App     compose.ModuleVersion   `json:"app"`
		Plugins []compose.ModuleVersion `json:"plugins"`
	}{App: r.App}
	for _, p := range r.Plugins {
		label.Plugins = append(label.Plugins, p.Module)
	}
	b, err := json.Marshal(label)
	if err != nil {
		return nil, err
	}
	l["dev.weld.composition"] = string(b)
	for _, kv := range img.Labels {
		k, v, _ := strings.Cut(kv, "=")
		l[k] = v
	}
	return l, nil
}

// sourceURL is the repository of a module on a well-known forge.
func sourceURL(modPath string) string {
	parts := strings.Split(modPath, "/")
	switch parts[0] {
	case "github.com", "gitlab.com", "codeberg.org", "bitbucket.org":
		if len(parts) >= 3 {
			return "https://" + strings.Join(parts[:3], "/")
		}
	}
	return ""
}

// Settings is the manifest's image section with its defaults.
func Settings(sp *spec.Spec) *spec.ImageOutput {
	img := spec.ImageOutput{}
	if sp.Outputs.Image != nil {
		img = *sp.Outputs.Image
	}
	if img.Name == "" {
		img.Name = sp.Name
	}
	if img.Path == "" {
		img.Path = "/usr/local/bin/" + sp.Name
	}
	if img.User == "" {
		img.User = "65532:65532"
	}
	return &img
}

// Tags are the manifest's tags, or latest and the version, each checked
// to make a valid reference with the image's name.
func Tags(img *spec.ImageOutput, sp *spec.Spec) ([]string, error) {
	tags := img.Tags
	if len(tags) == 0 {
		tags = []string{"latest"}
		if sp.Version != "" {
			tags = append(tags, sp.Version)
		}
	}
	for _, t := range tags {
		if _, err := name.NewTag(img.Name + ":" + t); err != nil {
			return nil, fmt.Errorf("%s: image %s:%s: %w", img.Pos, img.Name, t, err)
		}
	}
	return tags, nil
}
