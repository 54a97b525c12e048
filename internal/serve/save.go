package serve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/publish"
)

// fileOut is a file a build made.
type fileOut struct {
	path, kind string
	// primary marks the file the request's output asked for.
	primary bool
}

// artifactFiles lists a build's files: the binary, its packages, SBOMs,
// the provenance and SHA256SUMS.
func artifactFiles(arts []pipeline.Artifact, output string) []fileOut {
	var out []fileOut
	for _, a := range arts {
		out = append(out, fileOut{path: a.Path, kind: "binary", primary: output == OutputBinary})
		for _, p := range a.Packages {
			out = append(out, fileOut{path: p, kind: output, primary: true})
		}
		for _, p := range a.Attestations {
			out = append(out, fileOut{path: p, kind: "sbom"})
		}
	}
	if len(arts) > 0 && arts[0].Provenance != "" {
		out = append(out, fileOut{path: arts[0].Provenance, kind: "provenance"},
			fileOut{path: filepath.Join(filepath.Dir(arts[0].Provenance), pipeline.SumsFile), kind: "checksums"})
	}
	return out
}

// buildImage runs weld image to a docker-loadable tarball.
func (s *Server) buildImage(ctx context.Context, o pipeline.Options, out string) ([]fileOut, error) {
	tarball := filepath.Join(out, "image.tar")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	if _, err := pipeline.BuildImage(ctx, o, publish.Destinations{Tarball: tarball}); err != nil {
		return nil, err
	}
	files := []fileOut{{path: tarball, kind: OutputImage, primary: true}}
	// The binary, its SBOMs, the provenance and the sums, beside it.
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == tarball {
			return err
		}
		files = append(files, fileOut{path: p, kind: kindOf(filepath.Base(p))})
		return nil
	})
	return files, err
}

// kindOf names the kind of a file of weld's output directory.
func kindOf(name string) string {
	switch {
	case name == pipeline.SumsFile:
		return "checksums"
	case strings.HasSuffix(name, ".intoto.json"):
		return "provenance"
	case strings.HasSuffix(name, ".spdx.json"), strings.HasSuffix(name, ".cdx.json"):
		return "sbom"
	case strings.HasSuffix(name, ".sigstore.json"):
		return "signature"
	}
	return "binary"
}

// save puts the build's files, its events and then its record in the
// store: the record is written last, so a record in the store always
// names files that are there. Each file's artifact event names its URL.
func (s *Server) save(ctx context.Context, b *build, rec *Record, steps *progress.Steps) error {
	done := steps.Start("storing", fmt.Sprintf("%d files", len(b.files)))
	for i, f := range b.files {
		a := &rec.Artifacts[i]
		sum, size, err := s.putFile(ctx, fileKey(rec.ID, a.Name), f.path)
		if err != nil {
			return fmt.Errorf("storing %s: %w", a.Name, err)
		}
		a.SHA256, a.Size, a.URL = sum, size, artifactURL(rec.ID, a.Name)
		steps.Artifact(progress.ArtifactInfo{Kind: a.Kind, Path: a.URL, SHA256: sum, Target: b.choice.Target}, a.Name)
	}
	done()
	final := *rec
	final.Status = Succeeded
	if err := s.cfg.Store.Put(ctx, eventsKey(rec.ID), bytes.NewReader(b.events.ndjson())); err != nil {
		return fmt.Errorf("storing events: %w", err)
	}
	data, err := json.MarshalIndent(final, "", "  ")
	if err != nil {
		return err
	}
	return s.cfg.Store.Put(ctx, recordKey(rec.ID), bytes.NewReader(data))
}

func (s *Server) putFile(ctx context.Context, key, path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(f, h)}
	if err := s.cfg.Store.Put(ctx, key, cr); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), cr.n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
