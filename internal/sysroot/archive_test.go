package sysroot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/klauspost/compress/zstd"
)

// This file builds a tiny signed Debian archive served on 127.0.0.1, so
// that every step of Ensure (signature, index hashes, resolution, .deb
// hashes, extraction) runs for real without the network.

const testSuite = "weldtest"

// fakePkg is one binary package of the fake archive.
type fakePkg struct {
	name, version, arch, multiArch string
	depends, preDepends, provides  string
	files, links                   map[string]string // path -> content / symlink target
	shlibs                         string
	zstd                           bool // data.tar.zst instead of data.tar.gz
	filename, sha256               string
	deb                            []byte
}

type fakeArchive struct {
	dir     string // document root
	url     string
	keyring string // public key of the signer
	key     *openpgp.Entity
	pkgs    []*fakePkg

	mu       sync.Mutex
	hits     map[string]int
	override map[string][]byte // URL path -> body served instead
	missing  map[string]bool   // URL path -> 404
}

func newKey(t *testing.T, name string) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", name+"@example.org",
		&packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func writeKeyring(t *testing.T, e *openpgp.Entity) string {
	t.Helper()
	var buf bytes.Buffer
	if err := e.Serialize(&buf); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "keyring.gpg")
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// newFakeArchive publishes pkgs for arm64 in component main.
func newFakeArchive(t *testing.T, pkgs []*fakePkg) *fakeArchive {
	t.Helper()
	a := &fakeArchive{dir: t.TempDir(), key: newKey(t, "archive"), pkgs: pkgs,
		hits: map[string]int{}, override: map[string][]byte{}, missing: map[string]bool{}}
	a.keyring = writeKeyring(t, a.key)
	var index bytes.Buffer
	for _, p := range pkgs {
		if p.arch == "" {
			p.arch = "arm64"
		}
		p.deb = buildDeb(t, p)
		sum := sha256.Sum256(p.deb)
		p.sha256 = hex.EncodeToString(sum[:])
		p.filename = fmt.Sprintf("pool/main/%c/%s/%s_%s_%s.deb", p.name[0], p.name, p.name, p.version, p.arch)
		a.put(p.filename, p.deb)
		fmt.Fprintf(&index, "Package: %s\nVersion: %s\nArchitecture: %s\n", p.name, p.version, p.arch)
		for _, f := range [][2]string{{"Multi-Arch", p.multiArch}, {"Provides", p.provides},
			{"Pre-Depends", p.preDepends}, {"Depends", p.depends}} {
			if f[1] != "" {
				fmt.Fprintf(&index, "%s: %s\n", f[0], f[1])
			}
		}
		fmt.Fprintf(&index, "Filename: %s\nSize: %d\nSHA256: %s\nDescription: test package\n\n", p.filename, len(p.deb), p.sha256)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(index.Bytes())
	zw.Close()
	files := map[string][]byte{
		"main/binary-arm64/Packages":    index.Bytes(),
		"main/binary-arm64/Packages.gz": gz.Bytes(),
	}
	release := fmt.Sprintf("Origin: Weld\nSuite: unstable\nCodename: %s\nDate: %s\nAcquire-By-Hash: yes\nArchitectures: arm64\nComponents: main\nSHA256:\n",
		testSuite, time.Now().UTC().Format(time.RFC1123))
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sum := sha256.Sum256(files[n])
		release += fmt.Sprintf(" %x %d %s\n", sum, len(files[n]), n)
		a.put("dists/"+testSuite+"/"+n, files[n])
		a.put(fmt.Sprintf("dists/%s/%s/by-hash/SHA256/%x", testSuite, filepath.Dir(n), sum), files[n])
	}
	a.put("dists/"+testSuite+"/Release", []byte(release))
	a.put("dists/"+testSuite+"/InRelease", a.clearsign(t, release))
	var sig bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&sig, a.key, strings.NewReader(release), nil); err != nil {
		t.Fatal(err)
	}
	a.put("dists/"+testSuite+"/Release.gpg", sig.Bytes())

	srv := httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(srv.Close)
	a.url = srv.URL + "/debian"
	return a
}

func (a *fakeArchive) clearsign(t *testing.T, text string) []byte {
	var buf bytes.Buffer
	w, err := clearsign.Encode(&buf, a.key.PrivateKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, text)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (a *fakeArchive) put(rel string, data []byte) {
	name := filepath.Join(a.dir, filepath.FromSlash(rel))
	os.MkdirAll(filepath.Dir(name), 0o755)
	os.WriteFile(name, data, 0o644)
}

func (a *fakeArchive) serve(w http.ResponseWriter, r *http.Request) {
	rel, ok := strings.CutPrefix(r.URL.Path, "/debian/")
	a.mu.Lock()
	a.hits[rel]++
	body, overridden := a.override[rel]
	gone := a.missing[rel]
	a.mu.Unlock()
	switch {
	case !ok || gone:
		http.NotFound(w, r)
	case overridden:
		w.Write(body)
	default:
		http.ServeFile(w, r, filepath.Join(a.dir, filepath.FromSlash(rel)))
	}
}

func (a *fakeArchive) hitCount(prefix string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for k, v := range a.hits {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

func (a *fakeArchive) request(t *testing.T, pkgs ...string) Request {
	return Request{Archive: a.url, Suite: testSuite, Components: []string{"main"}, Arch: "arm64",
		Packages: pkgs, Keyring: a.keyring, CacheDir: t.TempDir(), Log: func(s string) { t.Log(s) }}
}

// buildDeb writes a .deb the way dpkg-deb does: an ar archive of
// debian-binary, control.tar.gz and data.tar.{gz,zst}.
func buildDeb(t testing.TB, p *fakePkg) []byte {
	t.Helper()
	control := fmt.Sprintf("Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: weld\nDescription: test\n", p.name, p.version, p.arch)
	if p.depends != "" {
		control += "Depends: " + p.depends + "\n"
	}
	ctl := map[string]string{"./control": control}
	if p.shlibs != "" {
		ctl["./shlibs"] = p.shlibs
	}
	ctlTar := gzipped(t, tarball(t, ctl, nil))
	data := tarball(t, p.files, p.links)
	dataName, dataBody := "data.tar.gz", gzipped(t, data)
	if p.zstd {
		enc, _ := zstd.NewWriter(nil)
		dataName, dataBody = "data.tar.zst", enc.EncodeAll(data, nil)
	}
	var ar bytes.Buffer
	ar.WriteString("!<arch>\n")
	for _, m := range []struct {
		name string
		body []byte
	}{{"debian-binary", []byte("2.0\n")}, {"control.tar.gz", ctlTar}, {dataName, dataBody}} {
		fmt.Fprintf(&ar, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", m.name, 0, 0, 0, "100644", len(m.body))
		ar.Write(m.body)
		if len(m.body)%2 == 1 {
			ar.WriteByte('\n')
		}
	}
	return ar.Bytes()
}

func tarball(t testing.TB, files, links map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	for n := range links {
		names = append(names, n)
	}
	sort.Strings(names)
	mtime := time.Unix(1700000000, 0)
	dirs := map[string]bool{}
	for _, n := range names {
		for d := filepath.Dir(n); d != "." && d != "/" && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	var dlist []string
	for d := range dirs {
		dlist = append(dlist, d)
	}
	sort.Strings(dlist)
	for _, d := range dlist {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: mtime})
	}
	for _, n := range names {
		if target, ok := links[n]; ok {
			tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: n, Linkname: target, Mode: 0o777, ModTime: mtime})
			continue
		}
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: n, Size: int64(len(files[n])), Mode: 0o644, ModTime: mtime})
		io.WriteString(tw, files[n])
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipped(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

// treeDigest summarises a directory: every path with its file content
// hash or symlink target, so two trees can be compared.
func treeDigest(t *testing.T, root string) string {
	t.Helper()
	var lines []string
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			lines = append(lines, rel+" -> "+target)
		case fi.Mode().IsRegular():
			lines = append(lines, fmt.Sprintf("%s %s %v", rel, fileHash(p), fi.Mode()))
		default:
			lines = append(lines, rel+"/")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
