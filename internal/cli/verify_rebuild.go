package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/inspect"
	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// rebuildCheck builds the artifact's target again from weld.lock, the way
// a reproducible-builds rebuilder does: locked (nothing is resolved and
// weld.lock is not written), without weld's cache (so that the bytes come
// from the compiler, not from an earlier build), into a temporary
// directory; then it compares the artifact with the one the rebuild made
// of the same name, byte for byte. It returns the differences.
func rebuildCheck(ctx context.Context, artifact, program string, sp *spec.Spec, steps *progress.Steps, stderr io.Writer) ([]string, error) {
	info, err := inspect.Read(program)
	if err != nil {
		return nil, err
	}
	t, err := target.Parse(info.Target)
	if err != nil {
		return nil, fmt.Errorf("the program's target %q: %w", info.Target, err)
	}
	out, err := os.MkdirTemp("", "weld-rebuild-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(out)
	o := pipeline.Options{
		Spec:     sp,
		Go:       goCommand(false, stderr),
		OutDir:   out,
		Targets:  []target.Target{t},
		LockMode: lockpolicy.Frozen,
		NoCache:  true,
		Steps:    steps,
		// A bare binary needs no packages, SBOMs or provenance.
		NoPackages: program == artifact,
	}
	arts, err := pipeline.Build(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("rebuilding %s from weld.lock: %w", t, err)
	}
	name := filepath.Base(artifact)
	var made []string
	for _, a := range arts {
		for _, p := range append([]string{a.Path}, a.Packages...) {
			made = append(made, filepath.Base(p))
			if filepath.Base(p) == name {
				return compareFiles(artifact, p)
			}
		}
	}
	return []string{fmt.Sprintf("rebuilt from weld.lock, %s made no %s (it made %s): the manifest's outputs are not the ones the artifact was made with", t, name, strings.Join(made, ", "))}, nil
}

// compareFiles compares the artifact with its rebuild, and names the
// first byte where they part.
func compareFiles(artifact, rebuilt string) ([]string, error) {
	a, err := os.Open(artifact)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	b, err := os.Open(rebuilt)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	ra, rb := bufio.NewReader(a), bufio.NewReader(b)
	for off := int64(0); ; off++ {
		ca, errA := ra.ReadByte()
		cb, errB := rb.ReadByte()
		switch {
		case errA == io.EOF && errB == io.EOF:
			return nil, nil
		case errA != nil && errA != io.EOF:
			return nil, errA
		case errB != nil && errB != io.EOF:
			return nil, errB
		case errA == io.EOF || errB == io.EOF:
			return []string{fmt.Sprintf("rebuilt from weld.lock, %s has another length: the two agree up to byte %d, where one of them ends", filepath.Base(artifact), off)}, nil
		case ca != cb:
			return []string{fmt.Sprintf("rebuilt from weld.lock, %s differs from the rebuild first at byte %d (0x%02x, rebuilt 0x%02x)", filepath.Base(artifact), off, ca, cb)}, nil
		}
	}
}
