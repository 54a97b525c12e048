// Package verify checks a built artifact against weld.lock: that it is the
// composition the lock describes (every module version and hash, the
// toolchain, the app and its plugins, the build tags), read from the
// program's own build info and composition record, and that its bytes are
// the ones the build's provenance recorded. It reads binaries of every
// target, and the program inside a tar.gz, a zip or a .deb.
package verify

import (
	"crypto"
	"encoding/json"
	"fmt"
	"os"
	pathpkg "path"
	"path/filepath"
	"strings"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/attest"
	"github.com/weldgo/weld/internal/inspect"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/spec"
)

// Options say what to verify an artifact against.
type Options struct {
	// Spec is the manifest: the program's name, and the build tags.
	Spec *spec.Spec
	Lock *lock.Lock
	// LockFile is weld.lock's path, whose digest the provenance records.
	LockFile string
	// Provenance is the build's provenance; when empty, it is looked for
	// beside the artifact (and one directory up, for a binary).
	Provenance string
	// PublicKey, when set, must have signed an image (its cosign
	// signature); KeyName names it in messages. Files' Sigstore bundles
	// are checked by the caller (internal/sign).
	PublicKey crypto.PublicKey
	KeyName   string
	// Rebuild, when set, builds the artifact again and returns how the
	// rebuild differs from it; program is the Go program the artifact
	// holds (the artifact itself for a binary), while it exists.
	Rebuild func(artifact, program string) ([]string, error)
}

// Result is what was checked, and every difference found.
type Result struct {
	Artifact    string
	Checked     []string
	Differences []string
}

// OK says the artifact matches.
func (r *Result) OK() bool { return len(r.Differences) == 0 }

// Artifact verifies one artifact: a file, or an OCI image (see IsImage).
func Artifact(path string, o Options) (*Result, error) {
	if IsImage(path) {
		return imageArtifact(path, o)
	}
	r := &Result{Artifact: path}
	if err := r.provenance(path, filepath.Base(path), path, o); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "weld-verify")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	prog, err := program(path, o.Spec.Name, tmp)
	if err != nil {
		return nil, fmt.Errorf("reading the program in %s: %w", path, err)
	}
	if err := r.program(prog, o); err != nil {
		return nil, err
	}
	if o.Rebuild != nil {
		diffs, err := o.Rebuild(path, prog)
		if err != nil {
			return nil, err
		}
		r.Differences = append(r.Differences, diffs...)
		r.Checked = append(r.Checked, "rebuilt byte for byte")
	}
	return r, nil
}

// program checks the Go program's build info and records against the
// lock.
func (r *Result) program(prog string, o Options) error {
	info, err := inspect.Read(prog)
	if err != nil {
		return err
	}
	r.composition(info, o)
	return nil
}

func (r *Result) differ(format string, args ...any) {
	r.Differences = append(r.Differences, fmt.Sprintf(format, args...))
}

// composition compares the program's build info and record with the lock.
func (r *Result) composition(info *inspect.Info, o Options) {
	l := o.Lock
	if info.GoVersion != l.Go {
		r.differ("toolchain: the program was built by %s, weld.lock pins %s", info.GoVersion, l.Go)
	}
	r.Checked = append(r.Checked, "toolchain "+info.GoVersion)
	locked := map[string]string{}
	for _, m := range l.Modules {
		locked[m.Path] = m.Version
	}
	sums := map[string]string{}
	for _, ms := range l.ModuleSums() {
		sums[ms.Path+"@"+ms.Version] = ms.Sum
	}
	locals := map[string]string{}
	for _, m := range l.Locals {
		locals[m.Module] = m.Hash
	}
	recorded := map[string]string{}
	if info.Extra != nil {
		for _, lh := range info.Extra.Locals {
			recorded[lh.Module] = lh.Hash
		}
	}
	checked := 0
	for _, m := range info.Modules[1:] { // the first is the main module
		switch {
		case m.Replace != "" && m.Sum == "":
			// A local module: the lock vouches for it by content hash,
			// which the program's extra record carries.
			switch want, got := locals[m.Path], recorded[m.Path]; {
			case want == "":
				r.differ("module %s: the program has it from a directory, which weld.lock does not record", m.Path)
			case got == "":
				r.differ("module %s: the program has it from a directory and records no content hash for it, so its content cannot be checked (rebuild it with this weld)", m.Path)
			case got != want:
				r.differ("module %s: the program was built from the directory's content %s, weld.lock records %s: the local module changed between the build and the lock", m.Path, got, want)
			}
		case locked[m.Path] == "":
			r.differ("module %s %s: not in weld.lock", m.Path, m.Version)
		case locked[m.Path] != m.Version:
			r.differ("module %s: the program has %s, weld.lock selects %s", m.Path, m.Version, locked[m.Path])
		case m.Sum != "" && sums[m.Path+"@"+m.Version] != "" && m.Sum != sums[m.Path+"@"+m.Version]:
			r.differ("module %s %s: the program's hash %s is not weld.lock's %s", m.Path, m.Version, m.Sum, sums[m.Path+"@"+m.Version])
		}
		checked++
	}
	r.Checked = append(r.Checked, fmt.Sprintf("%d modules", checked))
	rec := info.Record
	if rec == nil {
		r.differ("the program has no composition record: weld did not build it")
		return
	}
	if rec.App.Path != l.App.Module || rec.App.Version != l.App.Version {
		r.differ("app: the program has %s %s, weld.lock %s %s", rec.App.Path, rec.App.Version, l.App.Module, l.App.Version)
	}
	want := map[string]string{}
	for _, p := range l.Plugins {
		if p.Version != "-" {
			want[p.Module] = p.Version
		}
	}
	for _, p := range rec.Plugins {
		if v, ok := want[p.Module.Path]; ok && v != p.Module.Version {
			r.differ("plugin %s: the program has %s, weld.lock %s", p.Module.Path, p.Module.Version, v)
		}
		delete(want, p.Module.Path)
	}
	if len(o.Spec.TargetNames()) == 0 {
		// With no targets listed every plugin is in every binary; with
		// targets, a plugin may be limited to others.
		for m := range want {
			r.differ("plugin %s: in weld.lock, not in the program", m)
		}
	}
	r.Checked = append(r.Checked, fmt.Sprintf("app and %d plugins", len(rec.Plugins)))
	tags := map[string]bool{}
	for _, t := range strings.Split(info.Setting("-tags"), ",") {
		tags[t] = true
	}
	for _, t := range o.Spec.Build.Tags {
		if !tags[t] {
			r.differ("build tags: the program was built without %s, which the manifest sets", t)
		}
	}
	// weld always builds with -trimpath, so that no directory of the
	// building machine is in the binary; the manifest's -ldflags come
	// last, after an adapter's.
	if got := info.Setting("-trimpath"); got != "true" {
		r.differ("build settings: the program was built without -trimpath, which weld always sets")
	}
	if want, got := o.Spec.Build.Ldflags, info.Setting("-ldflags"); want != "" && !strings.HasSuffix(got, want) {
		r.differ("build settings: the program was built with -ldflags %q, the manifest sets %q", got, want)
	}
	r.Checked = append(r.Checked, "build settings")
}

// provenance checks the sha256 of the file at path, the artifact called
// name, against the build's provenance, and the provenance's lock digest
// against weld.lock. Unless given, the provenance is looked for near
// from.
func (r *Result) provenance(path, name, from string, o Options) error {
	file := o.Provenance
	if file == "" {
		// Beside the artifact, one directory up (for a binary in its
		// target's directory or an image layout), or in the manifest's
		// default output directory.
		for _, dir := range []string{filepath.Dir(from), filepath.Dir(filepath.Dir(from)), filepath.Join(o.Spec.Dir, "dist")} {
			p := filepath.Join(dir, attest.ProvenanceFile(o.Spec.Name))
			if _, err := os.Stat(p); err == nil {
				file = p
				break
			}
		}
	}
	if file == "" {
		r.differ("no provenance found beside %s (%s): its bytes cannot be checked; give one with --provenance", from, attest.ProvenanceFile(o.Spec.Name))
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var st struct {
		Subject []struct {
			Name   string
			Digest map[string]string
		}
		Predicate struct {
			BuildDefinition struct {
				ExternalParameters struct {
					Lock struct{ SHA256 string }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("reading the provenance %s: %w", file, err)
	}
	sum, err := atomicfile.SHA256(path)
	if err != nil {
		return err
	}
	// A subject is named by its path in the output directory where the
	// provenance is; an artifact copied elsewhere (or the binary inside
	// an image) is matched by its base name and digest.
	rel := ""
	if r, err := filepath.Rel(filepath.Dir(file), path); err == nil && !strings.HasPrefix(r, "..") && filepath.Base(path) == name {
		rel = filepath.ToSlash(r)
	}
	var recorded []string
	matched := false
	for _, s := range st.Subject {
		if s.Name != rel && (rel != "" || pathpkg.Base(s.Name) != name) {
			continue
		}
		recorded = append(recorded, s.Digest["sha256"])
		matched = matched || s.Digest["sha256"] == sum
	}
	if rel != "" {
		name = rel
	}
	switch {
	case len(recorded) == 0:
		r.differ("%s: not a subject of the provenance %s", name, file)
	case !matched:
		r.differ("%s: its sha256 %s is not the %s that the provenance (%s) records: the file was changed after it was built", name, sum, strings.Join(recorded, " or "), file)
	}
	if o.LockFile != "" {
		lockSum, err := atomicfile.SHA256(o.LockFile)
		if err != nil {
			return err
		}
		if got := st.Predicate.BuildDefinition.ExternalParameters.Lock.SHA256; got != lockSum {
			r.differ("the provenance %s records a weld.lock with sha256 %s, and %s has %s: the artifact was built from another lock", file, got, o.LockFile, lockSum)
		}
	}
	r.Checked = append(r.Checked, "sha256 against "+file)
	return nil
}
