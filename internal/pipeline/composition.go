package pipeline

import (
	"context"
	"fmt"
	"path/filepath"

	"golang.org/x/mod/module"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/modverify"
	"github.com/weldgo/weld/internal/outcache"
)

// composition makes sure the session has the resolved composition. With
// a lock that matches the manifest it is restored from weld's cache,
// where the build that resolved it stored it, so that a locked build runs
// no go command before go build; otherwise it is resolved (which a
// matching lock makes cheap and exact) and stored.
func (s *Session) composition(ctx context.Context) error {
	if s.Comp != nil {
		return nil
	}
	if s.policy.Matches() && s.restoreComposition() {
		return nil
	}
	if err := s.resolve(ctx); err != nil {
		return err
	}
	s.saveComposition()
	return nil
}

// compositionKey names a resolved composition: the lock pins every version
// and local content hash, and the manifest's location anchors its paths.
func (s *Session) compositionKey(l *lock.Lock) string {
	sp := s.opts.Spec
	return outcache.Key("weld composition v1", outcache.WeldIdentity(), s.policy.GoVersion, string(l.KeyFormat()), sp.Dir, sp.Name,
		"GOFLAGS="+s.opts.Go.Getenv("GOFLAGS"))
}

// restoreComposition loads the composition that the matching lock was
// resolved to.
func (s *Session) restoreComposition() bool {
	key := s.compositionKey(s.policy.Old)
	data, err := s.cache.LoadComposition(key)
	if err != nil {
		s.report.ReadFailed(err, key, compositionWhat)
		return false
	}
	snap, err := compose.DecodeSnapshot(data)
	if err != nil {
		return false
	}
	c, err := compose.Restore(s.policy.Resolve, s.WorkDir, snap)
	if err != nil {
		return false
	}
	// The snapshot's generated file has the hashes, but a target's own
	// file (ForTarget) is made again from them: restore them too, or a
	// restored composition would build other bytes than a resolved one.
	if err := c.RecordLocalHashes(localHashes(s.policy.Old)); err != nil {
		return false
	}
	s.Comp = c
	return true
}

// saveComposition stores the resolved composition under its lock.
func (s *Session) saveComposition() {
	if s.cache == nil || s.Lock == nil {
		return
	}
	snap, err := s.Comp.Snapshot()
	if err == nil {
		var data []byte
		if data, err = snap.Encode(); err == nil {
			key := s.compositionKey(s.Lock)
			if err = s.cache.SaveComposition(key, data); err == nil {
				s.report.Stored(key, compositionWhat)
			}
		}
	}
	if err != nil {
		s.opts.Steps.Warn(fmt.Sprintf("caching the composition: %v", err))
	}
}

// compositionWhat names a cached composition in messages.
const compositionWhat = "the resolved composition"

// verifyModules checks, before anything is compiled, that every module
// directory the build reads from the module cache still holds what
// weld.lock's h1: hash says, so that an edited module cache is never
// compiled, and so never stored in weld's cache under the lock's key.
// Outputs served from weld's cache need no check: each was stored by a
// build that passed this one.
func (s *Session) verifyModules(ctx context.Context) error {
	mods := modulesToVerify(s.Comp, s.Lock)
	done := s.opts.Steps.Start("verifying", fmt.Sprintf("%d modules", len(mods)))
	res, err := modverify.Verify(ctx, modverify.Options{Store: s.cache, Warn: s.opts.Steps.Warn}, mods)
	if res.Hashed > 0 {
		done() // only hashing takes long enough to report
	}
	if err != nil {
		return fmt.Errorf("verifying the module cache: %w", err)
	}
	return nil
}

// modulesToVerify lists the module-cache directories of the composition
// with the h1: hash the lock records for each. A directory is identified
// by its name (…/escaped-path@escaped-version), so a module replaced by
// another module's version is checked as that module. A local directory
// is covered by the lock's local hashes instead, and a module with no h1:
// hash in the lock has only its go.mod in the build: go build reads none
// of its files.
func modulesToVerify(c *compose.Composition, l *lock.Lock) []modverify.Module {
	if c == nil || l == nil {
		return nil
	}
	byDirName := map[string]modverify.Module{}
	for _, ms := range l.ModuleSums() {
		p, err1 := module.EscapePath(ms.Path)
		v, err2 := module.EscapeVersion(ms.Version)
		if err1 == nil && err2 == nil {
			byDirName[p+"@"+v] = modverify.Module{Path: ms.Path, Version: ms.Version, Sum: ms.Sum}
		}
	}
	seen := map[string]bool{}
	var out []modverify.Module
	for _, m := range c.Modules() {
		if m.Local || m.Dir == "" || seen[m.Dir] {
			continue
		}
		if mod, ok := cacheDirModule(byDirName, m.Dir); ok {
			seen[m.Dir] = true
			out = append(out, mod)
		}
	}
	return out
}

// cacheDirModule finds the locked module whose module-cache directory dir
// is: the one whose escaped path@version ends dir.
func cacheDirModule(byDirName map[string]modverify.Module, dir string) (modverify.Module, bool) {
	d := filepath.ToSlash(dir)
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] != '/' {
			continue
		}
		if m, ok := byDirName[d[i+1:]]; ok {
			m.Dir = dir
			return m, true
		}
	}
	return modverify.Module{}, false
}
