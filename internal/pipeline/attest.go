package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/attest"
	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/inspect"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/pack"
	"github.com/weldgo/weld/internal/target"
)

// attest writes an SBOM beside every artifact (the binary and each of its
// packages), in each format the manifest asks for, and lists them in the
// artifact's Attestations. A target whose SBOMs are in the cache (under
// the binary's key, the packages and the formats) gets them from there.
func (s *Session) attest(ctx context.Context, arts []Artifact) error {
	if s.opts.NoPackages {
		return nil
	}
	formats := s.opts.Spec.Outputs.SBOMFormats()
	created, err := pack.Epoch(s.opts.Go.Getenv)
	if err != nil {
		return err
	}
	var keys []string
	for i := range arts {
		if err := ctx.Err(); err != nil {
			return err
		}
		a := &arts[i]
		files := append([]string{a.Path}, a.Packages...)
		key := ""
		if a.Key != "" {
			// The binary's key, the packages' settings and the C side
			// determine every byte the SBOMs describe, so a no-op build
			// hashes nothing to find them.
			var names []string
			for _, f := range files {
				names = append(names, filepath.Base(f))
			}
			cside := ""
			if a.Cgo {
				// The libraries as the SBOM shows them: packages,
				// sha256s and licenses.
				libs, _ := json.Marshal(s.libs[a.Target])
				cside = s.tools.Fingerprint(ctx, a.Target, a.CLibs) + string(libs)
			}
			o := s.opts.Spec.Outputs
			// a.Key already names weld itself (outcache.WeldIdentity).
			key = outcache.Key("weld sbom v2", a.Key, strings.Join(formats, ","), created.String(), strings.Join(names, ","),
				fmt.Sprint(o.Archive), fmt.Sprintf("%+v", o.Deb), pack.DebInputs(s.opts.Spec), s.opts.Spec.Version, cside)
			keys = append(keys, key)
			if len(formats) == 0 {
				continue
			}
			if paths, ok := s.sbomsFromCache(ctx, key, a.Path, formats, a.Target); ok {
				a.Attestations = paths
				continue
			}
		}
		if len(formats) == 0 {
			continue
		}
		sums := make([]string, len(files))
		for j, f := range files {
			if sums[j], err = atomicfile.SHA256(f); err != nil {
				return fmt.Errorf("writing the SBOM of %s: %w", f, err)
			}
		}
		paths, err := s.writeSBOMs(ctx, a.Binary, files, sums, formats, created)
		if err != nil {
			return fmt.Errorf("writing the SBOMs of %s: %w", a.Target, err)
		}
		a.Attestations = paths
		if key != "" {
			if err := s.cache.PutFiles(key, paths); err != nil {
				s.opts.Steps.Warn(fmt.Sprintf("caching the SBOMs of %s: %v", a.Target, err))
			} else {
				s.report.Stored(key, "the SBOMs of "+a.Target.String())
			}
		}
	}
	return s.provenance(ctx, arts, keys)
}

// writeSBOMs makes the SBOMs of one target's files.
func (s *Session) writeSBOMs(ctx context.Context, bin build.Binary, files, sums, formats []string, created time.Time) ([]string, error) {
	if err := s.composition(ctx); err != nil {
		return nil, err
	}
	libs := s.libs[bin.Target]
	prog, err := inspect.Read(bin.Path)
	if err != nil {
		return nil, err
	}
	linked := []attest.LinkedModule{}
	for _, m := range prog.Modules[1:] { // the first is the main module
		linked = append(linked, attest.LinkedModule{Path: m.Path, Version: m.Version, Sum: m.Sum, Local: m.Replace != "" && m.Sum == ""})
	}
	var paths []string
	for j, f := range files {
		if s.licenses == nil {
			s.licenses = attest.ModuleLicenses(s.Comp)
		}
		sb, err := attest.New(attest.Input{Comp: s.Comp, Lock: s.Lock, GoVersion: s.policy.GoVersion, Target: bin.Target,
			ArtifactName: filepath.Base(f), ArtifactSHA256: sums[j], Created: created, Tool: weldTool(),
			Libraries: libs, Licenses: s.licenses, Linked: linked})
		if err != nil {
			return nil, err
		}
		for _, format := range formats {
			data, err := sb.Render(format)
			if err != nil {
				return nil, err
			}
			p := f + attest.FileSuffix(format)
			if err := atomicfile.WriteFile(p, data, 0o644); err != nil {
				return nil, err
			}
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// sbomsFromCache copies a target's cached SBOMs beside its artifacts:
// the binary's beside the binary, the packages' in the output directory.
func (s *Session) sbomsFromCache(ctx context.Context, key, binary string, formats []string, t target.Target) ([]string, bool) {
	ofBinary := map[string]bool{}
	for _, f := range formats {
		ofBinary[filepath.Base(binary)+attest.FileSuffix(f)] = true
	}
	paths, err := s.cache.CopyFilesOut(ctx, key, func(name string) string {
		if ofBinary[name] {
			return filepath.Join(filepath.Dir(binary), name)
		}
		return filepath.Join(s.opts.outDir(), name)
	})
	if err != nil {
		if ctx.Err() == nil { // a stopped build is reported by the caller
			s.report.ReadFailed(err, key, "the SBOMs of "+t.String())
		}
		return nil, false
	}
	return paths, true
}

// weldTool names weld in the documents it writes.
func weldTool() string {
	id := outcache.WeldIdentity()
	if strings.HasPrefix(id, "devel ") {
		return "weld (devel)"
	}
	return "weld " + strings.TrimPrefix(id, "github.com/weldgo/weld@")
}

// SumsFile lists, in the output directory, the sha256 of every file a
// build wrote there (sha256sum -c reads it).
const SumsFile = "SHA256SUMS"

// provenance writes the build's provenance and SHA256SUMS into the output
// directory, and names the provenance in every artifact. It is taken from the cache when every
// artifact's key, the manifest and the lock are the ones it was made for.
func (s *Session) provenance(ctx context.Context, arts []Artifact, keys []string) error {
	sp := s.opts.Spec
	file := filepath.Join(s.opts.outDir(), attest.ProvenanceFile(sp.Name))
	in, err := s.provenanceInput(arts)
	if err != nil {
		return err
	}
	sumsFile := filepath.Join(s.opts.outDir(), SumsFile)
	key := ""
	if len(keys) == len(arts) && s.Lock != nil {
		key = outcache.Key(append([]string{"weld provenance v3", in.ManifestSHA256, in.LockSHA256, fmt.Sprint(in.Targets, in.Outputs)}, keys...)...)
		_, err := s.cache.CopyFilesOut(ctx, key, func(name string) string { return filepath.Join(s.opts.outDir(), name) })
		if err == nil {
			setProvenance(arts, file)
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		s.report.ReadFailed(err, key, "the provenance")
	}
	var sums strings.Builder
	for _, a := range arts {
		for _, f := range append(append([]string{a.Path}, a.Packages...), a.Attestations...) {
			if err := ctx.Err(); err != nil {
				return err
			}
			sum, err := atomicfile.SHA256(f)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(s.opts.outDir(), f)
			if err != nil {
				return err
			}
			// Named by their path in the output directory, as in
			// SHA256SUMS: every target's binary has the same base name.
			in.Subjects = append(in.Subjects, attest.Subject{Name: filepath.ToSlash(rel), SHA256: sum})
			fmt.Fprintf(&sums, "%s  %s\n", sum, filepath.ToSlash(rel))
		}
	}
	data, err := attest.Provenance(in)
	if err != nil {
		return fmt.Errorf("writing the provenance: %w", err)
	}
	if err := atomicfile.WriteFile(file, data, 0o644); err != nil {
		return err
	}
	provSum, err := atomicfile.SHA256(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(&sums, "%s  %s\n", provSum, filepath.Base(file))
	if err := atomicfile.WriteFile(sumsFile, []byte(sums.String()), 0o644); err != nil {
		return err
	}
	if key != "" {
		if err := s.cache.PutFiles(key, []string{file, sumsFile}); err != nil {
			s.opts.Steps.Warn(fmt.Sprintf("caching the provenance: %v", err))
		} else {
			s.report.Stored(key, "the provenance")
		}
	}
	setProvenance(arts, file)
	return nil
}

// provenanceInput is what every provenance of this build records beside
// its subjects: the manifest and lock digests, the targets, the outputs
// and the resolved dependencies.
func (s *Session) provenanceInput(arts []Artifact) (attest.ProvenanceInput, error) {
	sp := s.opts.Spec
	in := attest.ProvenanceInput{Manifest: "(flags)", Lock: s.Lock, GoVersion: s.policy.GoVersion, Tool: weldTool()}
	var err error
	if sp.File != "" {
		in.Manifest = filepath.Base(sp.File)
		if in.ManifestSHA256, err = atomicfile.SHA256(sp.File); err != nil {
			return in, err
		}
	}
	if s.policy.File != "" {
		in.LockName = filepath.Base(s.policy.File)
		if in.LockSHA256, err = atomicfile.SHA256(s.policy.File); err != nil {
			return in, err
		}
	}
	if sp.Outputs.Archive {
		in.Outputs = append(in.Outputs, "archive")
	}
	if sp.Outputs.Deb != nil {
		in.Outputs = append(in.Outputs, "deb")
	}
	for _, f := range sp.Outputs.SBOMFormats() {
		in.Outputs = append(in.Outputs, "sbom:"+f)
	}
	for _, a := range arts {
		in.Targets = append(in.Targets, a.Target.String())
	}
	return in, nil
}

func setProvenance(arts []Artifact, file string) {
	for i := range arts {
		arts[i].Provenance = file
	}
}
