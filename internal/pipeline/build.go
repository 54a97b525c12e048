package pipeline

import (
	"context"

	"github.com/weldgo/weld/internal/build"
	"github.com/weldgo/weld/internal/pack"
	"github.com/weldgo/weld/internal/target"
)

// Build builds the composition for every target, and packs each binary as
// the manifest's outputs say. A target whose output is in the cache is
// copied from there; the composition is resolved only if some target is
// not, so a build where nothing changed runs no go command but go env.
func Build(ctx context.Context, o Options) ([]Artifact, error) {
	return buildThen(ctx, o, nil)
}

// buildThen builds and packs as Build does, then runs then, if set, in
// the same session: the stages after packaging are given its values.
func buildThen(ctx context.Context, o Options, then func(*Session, []Artifact) error) ([]Artifact, error) {
	s, err := start(ctx, o)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	// Storing outputs in the cache (a copy and a sha256) overlaps with
	// packaging; the build ends when they are stored.
	defer s.outputs.Wait()
	bins, err := s.binaries(ctx)
	if err == nil {
		err = s.authenticode(ctx, bins)
	}
	if err != nil {
		return nil, err
	}
	arts, err := s.pack(ctx, bins)
	if err == nil {
		err = s.pinLibraries(ctx, arts)
	}
	if err == nil {
		err = s.attest(ctx, arts)
	}
	if err == nil {
		err = s.signOutputs(ctx, arts)
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil && then != nil {
		err = then(s, arts)
	}
	if err != nil {
		return nil, err
	}
	return arts, nil
}

// binaries runs the stages up to the compile: the cache, then (for the
// targets it does not hold) the composition, the module check, the
// toolchains and their sysroot pins, weld.lock, and go build.
func (s *Session) binaries(ctx context.Context) ([]build.Binary, error) {
	o := s.opts
	cached := s.outputs
	bins := make([]build.Binary, len(o.Targets))
	var todo []target.Target
	var at []int
	for i, t := range o.Targets {
		bin, ok := build.Binary{}, false
		if s.policy.Matches() && !o.NoCache {
			bin, ok = cached.Lookup(ctx, t)
		}
		if !ok {
			todo, at = append(todo, t), append(at, i)
		}
		bins[i] = bin
	}
	if len(todo) == 0 {
		return bins, s.commitLock()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.composition(ctx); err != nil {
		return nil, err
	}
	if err := s.verifyModules(ctx); err != nil {
		return nil, err
	}
	s.pinSysroots(ctx, todo)
	if err := s.commitLock(); err != nil {
		return nil, err
	}
	cached.Inner = &build.Compiler{Go: o.Go, Spec: o.Spec, Comp: s.Comp, Tools: s.tools,
		WorkDir: s.WorkDir, OutDir: o.outDir(), Steps: o.Steps}
	built, err := build.All(ctx, cached, todo)
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		bins[i] = built[j]
	}
	return bins, nil
}

// outputKey is a target's output key under the lock of this build, or ""
// before there is one.
func (s *Session) outputKey(t target.Target) string {
	if s.Lock == nil {
		return ""
	}
	return build.OutputKey(s.Lock, s.policy.GoVersion, s.opts.Spec, s.opts.Go.Getenv, t)
}

// pack makes the manifest's outputs from every binary.
func (s *Session) pack(ctx context.Context, bins []build.Binary) ([]Artifact, error) {
	out := make([]Artifact, len(bins))
	for i, b := range bins {
		out[i].Binary = b
	}
	w := &pack.Writer{Spec: s.opts.Spec, OutDir: s.opts.outDir(), Tools: s.tools}
	if s.opts.NoPackages || !w.Wanted() {
		return out, nil
	}
	if s.opts.Spec.Outputs.Deb != nil {
		// The .deb's copyright file names the composition's modules.
		if err := s.composition(ctx); err != nil {
			return nil, err
		}
		w.Comp = s.Comp
	}
	var err error
	if w.MTime, err = pack.Epoch(s.opts.Go.Getenv); err != nil {
		return nil, err
	}
	pkgs, err := pack.All(ctx, &pack.Cached{Inner: w, Store: s.cache, Report: s.report, Steps: s.opts.Steps}, bins)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Packages = pkgs[i]
	}
	return out, s.commitLock()
}
