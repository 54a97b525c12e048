package lockpolicy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/textlimit"
)

// Record makes the lock of the resolved composition (whose go.sum lines
// are sums), and decides whether weld.lock has to be written, and what
// to say when it is; Commit writes it.
func (st *Policy) Record(comp *compose.Composition, sums []string) error {
	o := st.opts
	hashes := map[string]string{}
	for _, m := range lock.LocalModules(comp) {
		h, err := st.hash(m.Dir, m.Path)
		if err != nil {
			return err
		}
		hashes[m.Path] = h
	}
	st.Lock = lock.New(o.Spec, comp, st.GoVersion, hashes, sums)
	if st.Old != nil {
		// Library pins are recorded after linking (PinLibraries): keep
		// them; the next build checks them.
		st.Lock.Libraries = append(st.Lock.Libraries, st.Old.Libraries...)
	}
	if st.Old != nil && o.Mode != Update {
		// Sysroot pins are recorded as targets are built; keep those
		// whose request the manifest still makes.
		for _, sr := range st.Old.Sysroots {
			want := o.Spec.TargetSettings(sr.Target).Sysroot.Debian
			if strings.Join(lock.SortedCopy(want), ",") == strings.Join(sr.Request, ",") {
				st.Lock.Sysroots = append(st.Lock.Sysroots, sr)
			}
		}
	}
	if st.File == "" {
		return nil
	}
	data := st.Lock.Format()
	if st.Old != nil && string(data) == string(st.Old.Format()) && !st.rewrite {
		if o.Mode == Update {
			o.Steps.Note("weld update: everything is at the newest allowed version")
		}
		return nil
	}
	if st.Old != nil && o.Mode == Frozen {
		return fmt.Errorf("--locked: the go command selects a different build list than %s:\n\t%s\nrun weld lock",
			relToCwd(st.File), textlimit.Join(moduleChanges(st.Old, st.Lock), "\n\t", maxDifferences))
	}
	// The lock is written once, by Commit, after the sysroots of the
	// targets to build are pinned; these notes say what changed.
	st.dirty = true
	switch {
	case st.Old == nil:
		st.notes = []string{fmt.Sprintf("wrote %s", relToCwd(st.File))}
	case o.Mode == Update:
		changes := moduleChanges(st.Old, st.Lock)
		if len(changes) == 0 {
			changes = []string{"weld update: everything is at the newest allowed version"}
		}
		st.notes = changes
	default:
		why := st.Drift
		if len(why) == 0 {
			why = []string{"resolved again"}
		}
		st.notes = []string{fmt.Sprintf("updated %s: %s", relToCwd(st.File), textlimit.Join(why, "; ", maxDifferences))}
	}
	return nil
}

// Changed says the resolution differs from weld.lock, or that there is
// no lock file to compare it with: what depends on the resolution alone,
// such as the plugins' API check, has to be worked out again.
func (st *Policy) Changed() bool { return st.File == "" || st.dirty }

// moduleChanges lists "path old → new" for every module whose version
// differs between two locks, including modules added or dropped.
func moduleChanges(old, new *lock.Lock) []string {
	versions := func(l *lock.Lock) map[string]string {
		m := map[string]string{}
		for _, mod := range l.Modules {
			m[mod.Path] = mod.Version
		}
		return m
	}
	a, b := versions(old), versions(new)
	var paths []string
	for p := range a {
		paths = append(paths, p)
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var out []string
	for _, p := range paths {
		from, to := a[p], b[p]
		if from == to {
			continue
		}
		if from == "" {
			from = "(none)"
		}
		if to == "" {
			to = "(none)"
		}
		out = append(out, fmt.Sprintf("%s %s → %s", p, from, to))
	}
	return out
}

// Commit writes weld.lock once: the resolved composition (when Record
// found it changed) together with the sysroots the toolchain stage
// assembled (assembled); entries of other targets stay as they were. It
// writes nothing when neither changed, so calling it again is free.
func (st *Policy) Commit(assembled []lock.Sysroot) error {
	if st.Lock == nil || st.File == "" || len(assembled) == 0 && !st.dirty {
		return nil
	}
	updated := *st.Lock
	updated.Sysroots = nil
	replaced := map[string]bool{}
	for _, f := range assembled {
		replaced[f.Target] = true
		updated.Sysroots = append(updated.Sysroots, f)
	}
	for _, old := range st.Lock.Sysroots {
		if !replaced[old.Target] {
			updated.Sysroots = append(updated.Sysroots, old)
		}
	}
	data := updated.Format()
	pinned := string(data) != string(st.Lock.Format())
	if !pinned && !st.dirty {
		return nil
	}
	if pinned && st.opts.Mode == Frozen {
		return fmt.Errorf("--locked: %s does not pin the sysroot packages this build needs; run weld lock", relToCwd(st.File))
	}
	if st.opts.ReadOnly {
		st.Lock = &updated
		return nil
	}
	if err := atomicfile.WriteFile(st.File, data, 0o644); err != nil {
		return fmt.Errorf("writing lock: %w", err)
	}
	st.Lock = &updated
	notes := st.notes
	if len(notes) == 0 && pinned {
		notes = []string{fmt.Sprintf("updated %s: pinned sysroot packages", relToCwd(st.File))}
	}
	for _, n := range notes {
		st.opts.Steps.Note(n)
	}
	st.dirty, st.notes = false, nil
	return nil
}
