package lock

import (
	"path/filepath"

	"github.com/weldgo/weld/internal/spec"
)

// Upgrade returns l in format FormatVersion, for the manifest s; a lock
// already in that format is returned as it is.
//
// From format 1, only the local module hashes change meaning. Each one is
// checked with the format 1 rule (hashDirV1, with skip): a module that still
// matches it has not changed in any file format 1 covered, so its hash is
// replaced by hash (the current rule, HashDir) of the directory as it is
// now. A module that does not match, or cannot be read, keeps its format 1
// hash, which cannot match the current rule, so Drift reports it as
// changed. The result thus holds no format 1 hash that a build could
// trust: a cache key made from it reflects the files a build reads now.
//
// From formats 2 and 3 nothing changes meaning; format 4 adds library
// pins, which an older lock does not have. They are not made up here:
// the next build that links a target records them (lockpolicy), and
// until then a lock upgraded from format 3 pins no library.
func Upgrade(s *spec.Spec, l *Lock, hash func(dir, module string) (string, error), skip ...string) *Lock {
	if l.Version >= FormatVersion {
		return l
	}
	up := *l
	up.Version = FormatVersion
	up.Locals = append([]LocalModule(nil), l.Locals...)
	if l.Version >= 2 {
		return &up
	}
	for i, m := range up.Locals {
		dir := filepath.Join(s.Dir, filepath.FromSlash(m.Path))
		if old, err := hashDirV1(dir, m.Module, skip...); err != nil || old != m.Hash {
			continue
		}
		if h, err := hash(dir, m.Module); err == nil {
			up.Locals[i].Hash = h
		}
	}
	return &up
}
