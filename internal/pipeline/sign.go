package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/weldgo/weld/internal/sign"
)

// signOutputs writes a Sigstore bundle beside every file the build wrote
// into the output directory: each artifact, package and SBOM (listed in
// the artifact's Bundles), then the provenance and SHA256SUMS. It runs
// after the provenance, so SHA256SUMS lists the signed files, not the
// bundles. Signatures are not cached: signing takes milliseconds, and a
// cached build is signed afresh with whatever key it is given.
//
// Without a key, bundles that an earlier signed build left beside these
// files are removed: they would sign other bytes, or another build.
func (s *Session) signOutputs(ctx context.Context, arts []Artifact) error {
	if s.opts.NoPackages {
		return nil
	}
	var files []string
	for _, a := range arts {
		files = append(files, a.Path)
		files = append(files, a.Packages...)
		files = append(files, a.Attestations...)
	}
	if len(arts) > 0 && arts[0].Provenance != "" {
		files = append(files, arts[0].Provenance, filepath.Join(filepath.Dir(arts[0].Provenance), SumsFile))
	}
	k := s.opts.SignKey
	if k == nil {
		for _, f := range files {
			if err := os.Remove(sign.BundlePath(f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing the signature of an earlier build: %w", err)
			}
		}
		return nil
	}
	done := s.opts.Steps.Start("signing", fmt.Sprintf("%d files with %s", len(files), k.File))
	defer done()
	signed := map[string]string{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := k.SignFile(ctx, f)
		if err != nil {
			return err
		}
		signed[f] = b
	}
	for i := range arts {
		a := &arts[i]
		for _, f := range append(append([]string{a.Path}, a.Packages...), a.Attestations...) {
			a.Bundles = append(a.Bundles, signed[f])
		}
	}
	return nil
}
