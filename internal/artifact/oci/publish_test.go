package oci

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestLayoutIsWrittenFresh(t *testing.T) {
	img, err := Build(testSpec(t, amd64))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out", "layout")
	pub := Layout{Dir: dir, Tags: []string{"latest", "1.0.0"}}
	for range 2 {
		if _, err := pub.Publish(context.Background(), Artifact{Image: img}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx, _ := p.ImageIndex()
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	want, _ := img.Digest()
	for _, d := range im.Manifests {
		refs = append(refs, d.Annotations[RefName])
		if d.ArtifactType != "" {
			t.Errorf("entry %s has artifactType %q; an image is not an artifact", d.Annotations[RefName], d.ArtifactType)
		}
		if d.Digest != want {
			t.Errorf("entry %s is %s, want the image %s", d.Annotations[RefName], d.Digest, want)
		}
	}
	if strings.Join(refs, " ") != "latest 1.0.0" {
		t.Errorf("index.json names %v after two runs, want one entry per tag", refs)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".layout.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary directories left: %v", leftovers)
	}
}

func TestLayoutRefusesOtherDirectories(t *testing.T) {
	img, _ := Build(testSpec(t, amd64))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "precious.txt"), []byte("x"), 0o644)
	_, err := Layout{Dir: dir}.Publish(context.Background(), Artifact{Image: img})
	if err == nil || !strings.Contains(err.Error(), "refusing to replace this directory: it holds files that weld did not write (precious.txt)") {
		t.Errorf("error %v, want a refusal", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious.txt")); err != nil {
		t.Errorf("the directory was touched: %v", err)
	}
}

func TestTarball(t *testing.T) {
	img, _ := Build(testSpec(t, amd64))
	tags := []name.Tag{mustTag(t, "example.com/prog:latest"), mustTag(t, "example.com/prog:1.0.0")}
	dir := t.TempDir()
	var files [][]byte
	for i := range 2 {
		f := filepath.Join(dir, "img"+string(rune('0'+i))+".tar")
		if _, err := (Tarball{File: f, Tags: tags}).Publish(context.Background(), Artifact{Image: img}); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(f)
		files = append(files, b)
		for _, tag := range tags {
			got, err := tarball.ImageFromPath(f, &tag)
			if err != nil {
				t.Fatalf("reading %s back: %v", tag, err)
			}
			// The docker format has no manifest of its own: compare
			// the config and the layers.
			gc, _ := got.ConfigName()
			wc, _ := img.ConfigName()
			gl, _ := got.Layers()
			if gc != wc || len(gl) != 2 {
				t.Errorf("%s: config %s with %d layers, want %s with 2", tag, gc, len(gl), wc)
			}
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Errorf("two tarballs of one image differ")
	}
	idx, _ := Index([]v1.Image{img}, []v1.Platform{amd64})
	_, err := Tarball{File: filepath.Join(dir, "x.tar"), Tags: tags}.Publish(context.Background(), Artifact{Index: idx})
	if err == nil || !strings.Contains(err.Error(), "holds one image") {
		t.Errorf("error %v, want a refusal of an index", err)
	}
}

func TestRegistryRefs(t *testing.T) {
	for _, tc := range []struct {
		ref  string
		tags []string
		want string
	}{
		{"127.0.0.1:5000/weld/prog", []string{"latest", "1.0.0"}, "http://127.0.0.1:5000/weld/prog:latest http://127.0.0.1:5000/weld/prog:1.0.0"},
		{"localhost:5000/prog:dev", []string{"latest"}, "http://localhost:5000/prog:dev"},
		{"registry.example.com/team/prog", nil, "https://registry.example.com/team/prog:latest"},
		{"registry.example.com/team/prog:a:b", nil, "error"},
	} {
		refs, err := Registry{Ref: tc.ref, Tags: tc.tags}.refs()
		var got []string
		for _, r := range refs {
			got = append(got, r.Scheme()+"://"+r.String())
		}
		if err != nil {
			got = []string{"error"}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: %v, want %s", tc.ref, got, tc.want)
		}
	}
}

func mustTag(t *testing.T, s string) name.Tag {
	tag, err := name.NewTag(s)
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

// TestRegistryRoundTrip pushes an index to an in-memory registry on
// 127.0.0.1 (plain http, as for any local registry), reads each platform's
// image back as a base, and checks the digests.
func TestRegistryRoundTrip(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	var imgs []v1.Image
	platforms := []v1.Platform{amd64, arm64, armv7}
	for _, p := range platforms {
		img, err := Build(testSpec(t, p))
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	idx, err := Index(imgs, platforms)
	if err != nil {
		t.Fatal(err)
	}
	where, err := Registry{Ref: host + "/weld/prog", Tags: []string{"latest", "1.0.0"}}.Publish(context.Background(), Artifact{Index: idx})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := idx.Digest()
	if want := "pushed " + host + "/weld/prog@" + d.String(); where != want {
		t.Errorf("Publish: %q, want %q", where, want)
	}
	for i, p := range platforms {
		base, err := BaseImage(context.Background(), host+"/weld/prog:1.0.0", p, Network{})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := base.Digest()
		want, _ := imgs[i].Digest()
		if got != want {
			t.Errorf("%s: base %s, want the pushed %s", p, got, want)
		}
	}
	if _, err := BaseImage(context.Background(), host+"/weld/prog:latest", Platform("linux", "s390x", ""), Network{}); err == nil {
		t.Errorf("no error for a platform the index lacks")
	}
}
