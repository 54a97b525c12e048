package sysroot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/atomicfile"
)

// fetcher downloads from one archive into a content-addressed cache.
type fetcher struct {
	archive string // without trailing slash
	cache   string // CacheDir/sysroot
	client  *http.Client
	log     func(string)
	// meter counts downloaded bytes while it is set (see Request.Meter).
	meter ByteMeter
}

// ByteMeter shows a download's progress (progress.Meter).
type ByteMeter interface {
	Add(n int64)
	Done()
}

// countingWriter counts what passes through it into a meter.
type countingWriter struct{ m ByteMeter }

func (c countingWriter) Write(p []byte) (int, error) {
	c.m.Add(int64(len(p)))
	return len(p), nil
}

func newFetcher(archive, cache string, log func(string)) *fetcher {
	return &fetcher{
		archive: strings.TrimRight(archive, "/"),
		cache:   cache,
		client:  &http.Client{Transport: transport},
		log:     log,
	}
}

// transport is http.DefaultTransport (proxies from the environment) with a
// limit on waiting for a response, so that a dead mirror fails the build
// instead of hanging it when the caller's context has no deadline.
var transport = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	return t
}()

func (f *fetcher) url(rel string) string { return f.archive + "/" + strings.TrimLeft(rel, "/") }

// errNotFound is a 404 (or 410): the file is not in the archive, which for
// InRelease means "try Release" and for a pinned .deb "the archive moved on".
var errNotFound = errors.New("not found")

// open starts a GET; the caller closes the body.
func (f *fetcher) open(ctx context.Context, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return resp.Body, nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		resp.Body.Close()
		return nil, fmt.Errorf("%s: %w (HTTP %d)", url, errNotFound, resp.StatusCode)
	default:
		resp.Body.Close()
		return nil, fmt.Errorf("%s: HTTP %s", url, resp.Status)
	}
}

// small fetches a small file (Release, signatures) into memory.
func (f *fetcher) small(ctx context.Context, rel string) ([]byte, error) {
	body, err := f.open(ctx, f.url(rel))
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.url(rel), err)
	}
	return data, nil
}

// hashMismatch reports a downloaded file that is not the one the signed
// metadata describes.
type hashMismatch struct {
	what, url         string
	wantSize, gotSize int64
	wantHash, gotHash string
	source            string // where the expected values come from
}

func (e *hashMismatch) Error() string {
	msg := fmt.Sprintf("%s (%s) does not match %s:", e.what, e.url, e.source)
	if e.wantSize >= 0 && e.wantSize != e.gotSize {
		msg += fmt.Sprintf(" size %d, expected %d;", e.gotSize, e.wantSize)
	}
	return msg + fmt.Sprintf(" sha256 %s, expected %s", e.gotHash, e.wantHash)
}

// cached downloads rel into dir/<sha256><ext> unless it is already there,
// and checks size (when >= 0) and sha256. A file in the cache is named by
// its verified hash, so a hit needs no network. what names the file in
// errors; source says where the expected hash came from.
func (f *fetcher) cached(ctx context.Context, urls []string, dir, ext string, size int64, sum, what, source string) (string, error) {
	sum = strings.ToLower(sum)
	if !validSHA256(sum) {
		return "", fmt.Errorf("%s: no valid sha256 in %s", what, source)
	}
	dest := filepath.Join(f.cache, dir, sum+ext)
	if fileHash(dest) == sum {
		return dest, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", err
	}
	// Downloads that killed builds left, of this file or another.
	atomicfile.CleanStaleIn(filepath.Dir(dest))
	var err error
	for i, url := range urls {
		err = f.download(ctx, url, dest, size, sum, what, source)
		// A by-hash URL may be missing on an older mirror; only then is
		// the next URL worth trying. A wrong file is an error at once.
		if err == nil || !errors.Is(err, errNotFound) || i == len(urls)-1 {
			break
		}
	}
	if err != nil {
		return "", err
	}
	return dest, nil
}

func (f *fetcher) download(ctx context.Context, url, dest string, size int64, sum, what, source string) error {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt) * 500 * time.Millisecond):
			}
		}
		err := f.downloadOnce(ctx, url, dest, size, sum, what, source)
		var mm *hashMismatch
		if err == nil || errors.Is(err, errNotFound) || errors.As(err, &mm) || ctx.Err() != nil {
			return err
		}
		lastErr = err // network trouble: try again
	}
	return lastErr
}

func (f *fetcher) downloadOnce(ctx context.Context, url, dest string, size int64, sum, what, source string) error {
	body, err := f.open(ctx, url)
	if err != nil {
		return err
	}
	defer body.Close()
	// Named for this process: the next download of the same file removes
	// what a killed one left.
	tmp, err := atomicfile.CreateTemp(filepath.Dir(dest), filepath.Base(dest))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	var sink io.Writer = io.MultiWriter(tmp, h)
	if f.meter != nil {
		sink = io.MultiWriter(tmp, h, countingWriter{f.meter})
	}
	n, err := io.Copy(sink, body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got != sum || (size >= 0 && n != size) {
		return &hashMismatch{what: what, url: url, wantSize: size, gotSize: n,
			wantHash: sum, gotHash: got, source: source}
	}
	// Concurrent downloads of the same file rename identical content.
	return os.Rename(tmp.Name(), dest)
}

// fileHash is the sha256 of a file, or "" when it cannot be read.
func fileHash(name string) string {
	fh, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fetchDebs downloads the packages, four at a time, and returns their
// cache paths in the order of pins. pinned says the list came from
// weld.lock, which changes what a missing file means.
func (f *fetcher) fetchDebs(ctx context.Context, pins []deb.Pin, pinned bool) ([]string, error) {
	start := time.Now()
	paths := make([]string, len(pins))
	errs := make([]error, len(pins))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, p := range pins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			source := "the Packages index"
			if pinned {
				source = "weld.lock"
			}
			var err error
			paths[i], err = f.cached(ctx, []string{f.url(p.Filename)}, "debs", ".deb", -1, p.SHA256, "the .deb", source)
			if errors.Is(err, errNotFound) && pinned {
				err = fmt.Errorf("%w; the archive no longer has the version weld.lock pins: run `weld update` to re-resolve, or use a snapshot archive such as http://snapshot.debian.org/archive/debian/<date>/", err)
			}
			if err != nil {
				errs[i] = fmt.Errorf("package %s %s: %w", p.Package, p.Version, err)
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err() // not one "context canceled" per package
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var total int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			total += st.Size()
		}
	}
	f.log(fmt.Sprintf("sysroot: %d packages, %.1f MB, in %s", len(pins), float64(total)/1e6, time.Since(start).Round(time.Millisecond)))
	return paths, nil
}
