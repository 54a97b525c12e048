package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/sign"
)

// eventFlags is --json on the commands that report events (build, image,
// lock, update, verify, run).
type eventFlags struct {
	json bool
	// toStderr sends the JSON to standard error (weld run, whose program
	// keeps standard output).
	toStderr bool
}

func (f *eventFlags) register(fs *pflag.FlagSet) {
	where := "standard output (people's text goes to standard error)"
	if f.toStderr {
		where = "standard error (the program keeps standard output)"
	}
	fs.BoolVar(&f.json, "json", false, "write one JSON event per line (docs/events.md) to "+where)
}

// steps returns the command's event sinks: text as always, or JSON lines
// and the text on standard error.
func (f *eventFlags) steps(cmd *cobra.Command) *progress.Steps {
	switch {
	case !f.json:
		return progress.NewText(cmd.OutOrStdout(), cmd.ErrOrStderr())
	case f.toStderr:
		return progress.NewJSONOnly(cmd.ErrOrStderr())
	}
	return progress.NewJSON(cmd.OutOrStdout(), cmd.ErrOrStderr())
}

// failed reports a command's error as an event (text prints it in Main).
func failed(steps *progress.Steps, err error) error {
	if err != nil {
		steps.Fail(err)
	}
	return err
}

// reportArtifacts reports every file a build wrote, in the order weld
// build has always printed them: each target's binary, packages, SBOMs
// and bundles, then the provenance and SHA256SUMS (and their bundles).
func reportArtifacts(steps *progress.Steps, arts []pipeline.Artifact) {
	sums := checksums(steps, arts)
	report := func(path, kind, target string) {
		info := progress.ArtifactInfo{Kind: kind, Path: path, Target: target}
		if steps.Structured() {
			if info.SHA256 = sums[filepath.Clean(path)]; info.SHA256 == "" {
				info.SHA256, _ = atomicfile.SHA256(path)
			}
		}
		steps.Artifact(info, path)
	}
	for _, a := range arts {
		t := a.Target.String()
		report(a.Path, "binary", t)
		for _, p := range a.Packages {
			report(p, packageKind(p), t)
		}
		for _, p := range a.Attestations {
			report(p, "sbom", t)
		}
		for _, p := range a.Bundles {
			report(p, "signature", t)
		}
	}
	if len(arts) > 0 && arts[0].Provenance != "" {
		sumsFile := filepath.Join(filepath.Dir(arts[0].Provenance), pipeline.SumsFile)
		report(arts[0].Provenance, "provenance", "")
		report(sumsFile, "checksums", "")
		if len(arts[0].Bundles) > 0 {
			report(sign.BundlePath(arts[0].Provenance), "signature", "")
			report(sign.BundlePath(sumsFile), "signature", "")
		}
	}
}

// packageKind names a package by its file.
func packageKind(path string) string {
	switch {
	case strings.HasSuffix(path, ".deb"):
		return "deb"
	case strings.HasSuffix(path, ".zip"), strings.HasSuffix(path, ".tar.gz"):
		return "archive"
	}
	return "package"
}

// checksums reads the build's SHA256SUMS, which already holds the sha256
// of every file in it, when anyone reads the events' sha256 at all.
func checksums(steps *progress.Steps, arts []pipeline.Artifact) map[string]string {
	out := map[string]string{}
	if !steps.Structured() || len(arts) == 0 || arts[0].Provenance == "" {
		return out
	}
	dir := filepath.Dir(arts[0].Provenance)
	f, err := os.Open(filepath.Join(dir, pipeline.SumsFile))
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sum, name, ok := strings.Cut(sc.Text(), "  "); ok {
			out[filepath.Join(dir, filepath.FromSlash(name))] = sum
		}
	}
	return out
}
