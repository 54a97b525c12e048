package pipeline

import (
	"context"
	"io/fs"
	"path/filepath"
	"time"
)

// watchModuleDownloads shows, on a terminal, the bytes of modules the go
// command has downloaded during resolution and their rate: it measures
// the files that appear in the module cache's download directory, since
// the go command reports no progress of its own. Where standard error is
// not a terminal it does nothing at all. The returned function stops it.
func (s *Session) watchModuleDownloads(ctx context.Context) (stop func()) {
	m := s.opts.Steps.Meter("resolving", "downloading modules", 0)
	if m == nil {
		return func() {}
	}
	modcache, err := s.opts.Go.GoEnv(ctx, "GOMODCACHE")
	if err != nil || modcache == "" {
		m.Done()
		return func() {}
	}
	dir := filepath.Join(modcache, "cache", "download")
	start := time.Now()
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		// A warm resolution takes well under a second: walk nothing then.
		t := time.NewTimer(time.Second)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
			}
			m.Set(bytesSince(dir, start))
			t.Reset(time.Second)
		}
	}()
	return func() {
		close(quit)
		<-finished
		m.Done()
	}
}

// bytesSince sums the sizes of the files under dir written since start.
func bytesSince(dir string, start time.Time) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if info, err := d.Info(); err == nil && !info.ModTime().Before(start) {
			n += info.Size()
		}
		return nil
	})
	return n
}
