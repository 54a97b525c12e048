package sysroot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"pault.ag/go/debian/control"
	paultdeb "pault.ag/go/debian/deb"
	"pault.ag/go/debian/dependency"
	"pault.ag/go/debian/version"

	"github.com/weldgo/weld/internal/artifact/deb"
)

// pkg is one binary package of the Packages index, reduced to what
// resolution and download need (the full paragraphs of ~60,000 packages
// would hold hundreds of MB).
type pkg struct {
	name, arch, multiArch string
	ver                   version.Version
	filename, sha256      string
	depends, preDepends   string // parsed only for the packages resolution visits
}

func (p *pkg) pin() deb.Pin {
	return deb.Pin{Package: p.name, Version: p.ver.String(), Architecture: p.arch,
		Filename: p.filename, SHA256: p.sha256}
}

func (p *pkg) String() string { return p.name + " " + p.ver.String() }

type provider struct {
	p   *pkg
	ver *version.Version // provided version; nil for an unversioned Provides
}

// index is the union of the Packages indexes of the requested components.
type index struct {
	where    string            // suite/components/arch, for messages
	pkgs     map[string][]*pkg // by name, highest version first
	provides map[string][]provider
}

// loadIndex verifies the suite's Release and reads the Packages index of
// every component for r.Arch.
func loadIndex(ctx context.Context, f *fetcher, r Request) (*index, error) {
	start := time.Now()
	rel, err := fetchRelease(ctx, f, r.Suite, r.Keyring)
	if err != nil {
		return nil, err
	}
	idx := &index{
		where:    fmt.Sprintf("%s %s/%s for %s", f.archive, r.Suite, strings.Join(r.Components, ","), r.Arch),
		pkgs:     map[string][]*pkg{},
		provides: map[string][]provider{},
	}
	for _, comp := range r.Components {
		path, ext, err := fetchPackages(ctx, f, rel, r.Suite, comp, r.Arch)
		if err != nil {
			return nil, err
		}
		if err := idx.read(path, ext); err != nil {
			return nil, fmt.Errorf("reading %s/binary-%s/Packages%s: %w", comp, r.Arch, ext, err)
		}
	}
	idx.sortVersions()
	f.log(fmt.Sprintf("sysroot: read the %s index (%d packages) in %s", idx.where, len(idx.pkgs), time.Since(start).Round(time.Millisecond)))
	return idx, nil
}

// sortVersions puts each package's versions highest first.
func (idx *index) sortVersions() {
	for _, list := range idx.pkgs {
		sort.SliceStable(list, func(i, j int) bool { return version.Compare(list[i].ver, list[j].ver) > 0 })
	}
}

// fetchPackages downloads a component's Packages index in the best
// compression the Release lists, by hash when the archive supports it:
// a by-hash URL names one immutable file, so a mirror in the middle of a
// sync cannot hand out a new index for an old Release (the "File has
// unexpected size" failure apt reports).
func fetchPackages(ctx context.Context, f *fetcher, rel *release, suite, comp, arch string) (string, string, error) {
	dir := comp + "/binary-" + arch + "/"
	for _, ext := range []string{".xz", ".gz", ""} {
		sum, ok := rel.files[dir+"Packages"+ext]
		if !ok {
			continue
		}
		base := "dists/" + suite + "/"
		var urls []string
		if rel.byHash {
			urls = append(urls, f.url(base+dir+"by-hash/SHA256/"+sum.sha256))
		}
		urls = append(urls, f.url(base+dir+"Packages"+ext))
		path, err := f.cached(ctx, urls, "index", ext, sum.size, sum.sha256,
			dir+"Packages"+ext, "the signed Release file "+rel.url)
		var mm *hashMismatch
		if errors.As(err, &mm) {
			err = fmt.Errorf("%w (a mirror in the middle of a sync serves this; retry later or use another mirror)", err)
		}
		return path, ext, err
	}
	return "", "", fmt.Errorf("%s lists no %sPackages index: does the archive carry component %q for architecture %s?", rel.url, dir, comp, arch)
}

// read adds one Packages file to the index. Decompression runs in its own
// goroutine because it takes as long as parsing (about 1.5 s each for
// Debian's 50 MB arm64 index).
func (idx *index) read(path, ext string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	var in io.Reader = fh
	if ext != "" {
		dr, err := paultdeb.DecompressorFor(ext)(fh)
		if err != nil {
			return err
		}
		pr, pw := io.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err := io.Copy(pw, bufio.NewReaderSize(dr, 1<<20))
			pw.CloseWithError(err)
		}()
		defer func() {
			pr.Close() // stops the copy if parsing failed early
			<-done
			dr.Close()
		}()
		in = pr
	}
	return idx.parse(in)
}

// parse adds the paragraphs of an uncompressed Packages index.
func (idx *index) parse(in io.Reader) error {
	rd, err := control.NewParagraphReader(in, nil)
	if err != nil {
		return err
	}
	for {
		para, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := idx.add(para.Values); err != nil {
			return err
		}
	}
}

func (idx *index) add(v map[string]string) error {
	ver, err := version.Parse(v["Version"])
	if err != nil {
		return fmt.Errorf("package %s: bad version %q: %w", v["Package"], v["Version"], err)
	}
	if _, err := strconv.ParseInt(v["Size"], 10, 64); err != nil || v["Filename"] == "" || v["SHA256"] == "" {
		return fmt.Errorf("package %s %s: no Filename, Size or SHA256", v["Package"], v["Version"])
	}
	if !validSHA256(v["SHA256"]) {
		return fmt.Errorf("package %s %s: SHA256 %q is not 64 hex digits", v["Package"], v["Version"], v["SHA256"])
	}
	p := &pkg{name: v["Package"], arch: v["Architecture"], multiArch: v["Multi-Arch"], ver: ver,
		filename: v["Filename"], sha256: strings.ToLower(v["SHA256"]),
		depends: v["Depends"], preDepends: v["Pre-Depends"]}
	idx.pkgs[p.name] = append(idx.pkgs[p.name], p)
	if pv := v["Provides"]; pv != "" {
		dep, err := dependency.Parse(pv)
		if err != nil {
			return fmt.Errorf("package %s: bad Provides %q: %w", p, pv, err)
		}
		for _, rel := range dep.Relations {
			for _, poss := range rel.Possibilities {
				pr := provider{p: p}
				if poss.Version != nil && poss.Version.Operator == "=" {
					if v, err := version.Parse(poss.Version.Number); err == nil {
						pr.ver = &v
					}
				}
				idx.provides[poss.Name] = append(idx.provides[poss.Name], pr)
			}
		}
	}
	return nil
}
