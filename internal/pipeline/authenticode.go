package pipeline

import (
	"context"
	"fmt"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/pack"
)

// authenticode signs every Windows executable in place, when a
// certificate is given, before anything is made from it: the zip holds
// the signed executable, and the SBOMs, the provenance and SHA256SUMS
// describe its bytes.
//
// The cache keeps unsigned executables (a cached one is copied out and
// signed again, which gives the same bytes for the same certificate), and
// a signed executable's key names its sha256, so that the packages and
// SBOMs made from it are cached under what they hold: another certificate
// never reuses them.
func (s *Session) authenticode(ctx context.Context, bins []build.Binary) error {
	a := s.opts.Authenticode
	if a == nil || s.opts.NoPackages {
		return nil
	}
	at, err := pack.Epoch(s.opts.Go.Getenv)
	if err != nil {
		return err
	}
	waited := false
	for i := range bins {
		b := &bins[i]
		if b.Target.OS != "windows" {
			continue
		}
		if !waited {
			// The cache copies fresh executables in the background; it
			// must have the unsigned one before it is replaced.
			s.outputs.Wait()
			waited = true
		}
		done := s.opts.Steps.Start("authenticode", fmt.Sprintf("%s with %s", b.Target, a.Cert))
		err := a.SignExe(ctx, b.Path, at)
		done()
		if err != nil {
			return fmt.Errorf("signing %s: %w", b.Target, err)
		}
		if b.Key != "" {
			sum, err := atomicfile.SHA256(b.Path)
			if err != nil {
				return err
			}
			b.Key = outcache.Key("weld authenticode v1", b.Key, sum)
		}
	}
	return nil
}
