package oci

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

var (
	amd64 = Platform("linux", "amd64", "")
	arm64 = Platform("linux", "arm64", "")
	armv7 = Platform("linux", "arm", "7")
	epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
)

// testSpec is an image of a fake program with two extra files.
func testSpec(t *testing.T, p v1.Platform) Spec {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "prog")
	if err := os.WriteFile(bin, []byte("\x7fELF not really"), 0o700); err != nil {
		t.Fatal(err)
	}
	return Spec{
		Platform: p, Binary: bin, BinaryPath: "/usr/local/bin/prog", Created: epoch,
		Files: []File{
			{Path: "/usr/lib/x86_64-linux-gnu/libz.so.1", Data: []byte("zlib"), Mode: 0o644, Reason: "needed by prog"},
			{Path: "/etc/motd", Data: []byte("hi\n"), Reason: "extra file"},
		},
		Config: Config{Cmd: []string{"-v"}, Env: []string{"A=1"}, Ports: []string{"8080"}, User: "65532:65532",
			Workdir: "/srv", Labels: map[string]string{"b": "2", "a": "1"}},
	}
}

func TestBuildScratch(t *testing.T) {
	s := testSpec(t, amd64)
	img, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	mt, _ := img.MediaType()
	if mt != types.OCIManifestSchema1 {
		t.Errorf("media type %s, want an OCI manifest", mt)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 2 {
		t.Fatalf("%d layers (%v), want 2: files, then the program", len(layers), err)
	}
	want := [][]string{
		{"etc/", "etc/motd", "usr/", "usr/lib/", "usr/lib/x86_64-linux-gnu/", "usr/lib/x86_64-linux-gnu/libz.so.1"},
		{"usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/prog"},
	}
	for i, l := range layers {
		var names []string
		for _, h := range tarHeaders(t, l) {
			names = append(names, h.Name)
			if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || !h.ModTime.Equal(epoch) {
				t.Errorf("%s: uid %d gid %d uname %q mtime %v, want 0 0 \"\" %v", h.Name, h.Uid, h.Gid, h.Uname, h.ModTime, epoch)
			}
			wantMode := int64(0o644)
			if h.Typeflag == tar.TypeDir || h.Name == "usr/local/bin/prog" {
				wantMode = 0o755
			}
			if h.Mode != wantMode {
				t.Errorf("%s: mode %o, want %o", h.Name, h.Mode, wantMode)
			}
		}
		if !slices.Equal(names, want[i]) {
			t.Errorf("layer %d holds %v, want %v", i, names, want[i])
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	checks := []struct{ what, got, want string }{
		{"platform", cf.Platform().String(), "linux/amd64"},
		{"created", cf.Created.UTC().String(), epoch.String()},
		{"entrypoint", strings.Join(c.Entrypoint, " "), "/usr/local/bin/prog"},
		{"cmd", strings.Join(c.Cmd, " "), "-v"},
		{"env", strings.Join(c.Env, " "), DefaultPath + " A=1"},
		{"user", c.User, "65532:65532"},
		{"workdir", c.WorkingDir, "/srv"},
		{"labels", c.Labels["a"] + c.Labels["b"], "12"},
		{"history", cf.History[1].Comment, "the program /usr/local/bin/prog"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: %q, want %q", ck.what, ck.got, ck.want)
		}
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("exposed ports %v, want 8080/tcp", c.ExposedPorts)
	}
}

func TestBuildReproducible(t *testing.T) {
	s := testSpec(t, amd64)
	var digests []string
	for range 2 {
		img, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d.String())
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds: %s and %s", digests[0], digests[1])
	}
	s.Created = epoch.Add(time.Second)
	img, _ := Build(s)
	if d, _ := img.Digest(); d.String() == digests[0] {
		t.Errorf("the creation time does not change the digest")
	}
}

func TestBuildStaticHasOneLayer(t *testing.T) {
	s := testSpec(t, amd64)
	s.Files = nil
	img, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	if layers, _ := img.Layers(); len(layers) != 1 {
		t.Errorf("%d layers, want the program's alone", len(layers))
	}
}

func TestBuildRefusesTwoFilesAtOnePath(t *testing.T) {
	s := testSpec(t, amd64)
	s.Files = append(s.Files, File{Path: "/etc/motd", Data: []byte("x"), Reason: "files[1]"})
	if _, err := Build(s); err == nil || !strings.Contains(err.Error(), "/etc/motd is added twice: extra file, and files[1]") {
		t.Errorf("error %v, want a duplicate path", err)
	}
}

// baseLayout writes an OCI layout holding an index of base images for
// the platforms, each with /etc/base-marker saying its platform.
func baseLayout(t *testing.T, platforms ...v1.Platform) string {
	t.Helper()
	var imgs []v1.Image
	for _, p := range platforms {
		l, err := tarLayer([]File{{Path: "/etc/base-marker", Data: []byte(p.String())}}, epoch, true, types.OCILayer)
		if err != nil {
			t.Fatal(err)
		}
		base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
		img, err := mutate.Append(base, mutate.Addendum{Layer: l})
		if err != nil {
			t.Fatal(err)
		}
		cf, _ := img.ConfigFile()
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
		cf.Config.Env = []string{"PATH=/base/bin", "A=base"}
		cf.Config.Labels = map[string]string{"base": "yes"}
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	idx, err := Index(imgs, platforms)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "base")
	if _, err := (Layout{Dir: dir, Tags: []string{"base"}}).Publish(context.Background(), Artifact{Index: idx}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBuildOnLayoutBase(t *testing.T) {
	dir := baseLayout(t, amd64, arm64, armv7)
	for _, p := range []v1.Platform{arm64, armv7} {
		base, err := BaseImage(context.Background(), LayoutPrefix+dir, p, Network{})
		if err != nil {
			t.Fatal(err)
		}
		s := testSpec(t, p)
		s.Base, s.BaseName = base, LayoutPrefix+dir
		img, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		files := extract(t, img)
		if got := files["etc/base-marker"]; got != p.String() {
			t.Errorf("%s: /etc/base-marker is %q, want the %s base's", p, got, p)
		}
		if _, ok := files["usr/local/bin/prog"]; !ok {
			t.Errorf("%s: no program in the image", p)
		}
		cf, _ := img.ConfigFile()
		if env := strings.Join(cf.Config.Env, " "); env != "PATH=/base/bin A=1" {
			t.Errorf("%s: env %q, want the base's PATH and A replaced", p, env)
		}
		if cf.Config.Labels["base"] != "yes" || cf.Config.Labels["a"] != "1" {
			t.Errorf("%s: labels %v, want the base's and the image's", p, cf.Config.Labels)
		}
		m, _ := img.Manifest()
		bd, _ := base.Digest()
		if m.Annotations["org.opencontainers.image.base.digest"] != bd.String() {
			t.Errorf("%s: annotations %v, want the base digest %s", p, m.Annotations, bd)
		}
		if len(m.Layers) != 3 {
			t.Errorf("%s: %d layers, want the base's and two", p, len(m.Layers))
		}
	}
	if _, err := BaseImage(context.Background(), LayoutPrefix+dir, Platform("linux", "riscv64", ""), Network{}); err == nil ||
		!strings.Contains(err.Error(), "no image for linux/riscv64 (it has linux/amd64, linux/arm64, linux/arm/v7)") {
		t.Errorf("error %v, want one listing the layout's platforms", err)
	}
	// @digest picks an entry of index.json.
	p, _ := layout.FromPath(dir)
	idx, _ := p.ImageIndex()
	im, _ := idx.IndexManifest()
	if _, err := BaseImage(context.Background(), LayoutPrefix+dir+"@"+im.Manifests[0].Digest.String(), amd64, Network{}); err != nil {
		t.Errorf("base by digest: %v", err)
	}
	if _, err := BaseImage(context.Background(), LayoutPrefix+dir+"@sha256:0000", amd64, Network{}); err == nil || !strings.Contains(err.Error(), "no entry sha256:0000") {
		t.Errorf("error %v, want no entry", err)
	}
}

func tarHeaders(t *testing.T, l v1.Layer) []*tar.Header {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var out []*tar.Header
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
}

// extract returns the image's flattened regular files by name.
func extract(t *testing.T, img v1.Image) map[string]string {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	files := map[string]string{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			files[h.Name] = string(b)
		}
	}
}

// TestTree copies a directory in lexical order, follows links to files,
// and leaves out links to directories only when asked (zoneinfo's posix/).
func TestTree(t *testing.T) {
	src := t.TempDir()
	for name, data := range map[string]string{"b/UTC": "utc", "a/x": "x"} {
		os.MkdirAll(filepath.Join(src, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(src, name), []byte(data), 0o644)
	}
	os.Symlink("b/UTC", filepath.Join(src, "UTC"))
	os.Symlink(".", filepath.Join(src, "posix"))
	files, err := Tree(src, "/usr/share/zoneinfo", "zoneinfo: true", true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Path)
	}
	want := "/usr/share/zoneinfo/UTC /usr/share/zoneinfo/a/x /usr/share/zoneinfo/b/UTC"
	if strings.Join(got, " ") != want {
		t.Errorf("Tree: %v, want %s", got, want)
	}
	if _, err := Tree(src, "/x", "files", false); err == nil || !strings.Contains(err.Error(), "posix is a symlink to a directory") {
		t.Errorf("error %v, want a refusal of the directory link", err)
	}
	if lines := Report(files); len(lines) != 1 || !strings.HasPrefix(lines[0], "/usr/share/zoneinfo/ (3 files) ") {
		t.Errorf("Report: %q, want one line for the tree", lines)
	}
}
