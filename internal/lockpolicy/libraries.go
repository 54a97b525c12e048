package lockpolicy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/textlimit"
)

// PinLibraries checks the shared libraries and DLLs a build found for a
// target, once it linked (what the binary loads, what its archive
// bundles), against weld.lock's pins. A difference updates the lock kept
// for CommitLibraries to write. Under --locked it names each library, the
// lock line that pins it, and the fix: as an error for libraries the
// artifacts contain (a Windows zip's DLLs), as a warning for those a Linux
// binary loads from the system it runs on. A lock read in a
// format before 4 has no pins to check: --locked says so and goes on.
func (st *Policy) PinLibraries(target string, found []lock.Library) error {
	if st.Lock == nil || st.File == "" {
		return nil
	}
	file := relToCwd(st.File)
	pinned := st.Lock.LibrariesFor(target)
	changes, fixes := libraryChanges(file, target, pinned, found)
	if len(changes) == 0 {
		return nil
	}
	if st.opts.Mode == Frozen {
		if len(pinned) == 0 && st.readVersion < 4 {
			st.opts.Steps.Note(fmt.Sprintf("%s (format %d) pins no libraries for %s; --locked leaves it as it is: run weld build without --locked to pin them",
				file, st.readVersion, target))
			return nil
		}
		fixes = append(fixes, "run weld build without --locked to pin what this machine has")
		if !shipsLibraries(target) {
			// The artifacts of a Linux target hold no shared library:
			// the ones it loads come from the system it runs on, so a
			// different patch release here changes none of their bytes.
			// Failing a locked build (a CI runner a security update
			// ahead of the machine that locked) would protect nothing;
			// the SBOM records what this build found.
			st.opts.Steps.Warn(fmt.Sprintf("--locked: the libraries %s loads differ from %s (its artifacts do not contain them, so the build goes on; its SBOM lists what this machine has):\n\t%s\n%s",
				target, file, textlimit.Join(changes, "\n\t", maxDifferences), strings.Join(fixes, ", or ")))
			return nil
		}
		return fmt.Errorf("--locked: the libraries of %s differ from %s:\n\t%s\n%s",
			target, file, textlimit.Join(changes, "\n\t", maxDifferences), strings.Join(fixes, ", or "))
	}
	st.Lock = st.Lock.WithLibraries(target, found)
	st.libTargets = append(st.libTargets, target)
	return nil
}

// shipsLibraries says whether a target's artifacts contain the libraries
// it pins: a Windows zip bundles the DLLs its executable needs.
func shipsLibraries(target string) bool { return strings.HasPrefix(target, "windows/") }

// CommitLibraries writes weld.lock once more when PinLibraries changed
// the pins of some target, and says so in one line. The build wrote the
// rest of the lock before compiling (Commit); the libraries are known
// only after linking.
func (st *Policy) CommitLibraries() error {
	if len(st.libTargets) == 0 {
		return nil
	}
	if err := atomicfile.WriteFile(st.File, st.Lock.Format(), 0o644); err != nil {
		return fmt.Errorf("writing lock: %w", err)
	}
	sort.Strings(st.libTargets)
	st.opts.Steps.Note(fmt.Sprintf("updated %s: pinned the libraries of %s", relToCwd(st.File), strings.Join(st.libTargets, ", ")))
	st.libTargets = nil
	return nil
}

// libraryChanges lists how the libraries found for a target differ from
// its pins, each naming the lock line, and the fixes that apply.
func libraryChanges(file, target string, pinned, found []lock.Library) (changes, fixes []string) {
	byFile := map[string]lock.Library{}
	for _, p := range pinned {
		byFile[p.File] = p
	}
	seen := map[string]bool{}
	var install []string
	for _, f := range found {
		seen[f.File] = true
		p, ok := byFile[f.File]
		switch {
		case !ok:
			changes = append(changes, fmt.Sprintf("%s: %s (%s) is not pinned", target, f.File, describe(f)))
		case !p.Same(f):
			changes = append(changes, fmt.Sprintf("%s: %s:%d pins %s as %s; this build found %s",
				target, file, p.Line, f.File, describe(p), describe(f)))
			if p.Package != "" && p.Version != "" {
				install = append(install, p.Package+"="+p.Version)
			}
		}
	}
	for _, p := range pinned {
		if !seen[p.File] {
			changes = append(changes, fmt.Sprintf("%s: %s:%d pins %s (%s), which this build does not load", target, file, p.Line, p.File, describe(p)))
		}
	}
	if len(install) > 0 {
		fixes = append(fixes, "install the pinned packages (apt-get install --reinstall "+strings.Join(install, " ")+")")
	}
	return changes, fixes
}

// describe is "libcairo2 1.16.0-7 amd64, sha256 ab12…" (the sha256 in full).
func describe(l lock.Library) string {
	pkg := "no Debian package"
	if l.Package != "" {
		pkg = strings.TrimSpace(strings.Join([]string{l.Package, l.Version, l.Arch}, " "))
	}
	sum := l.SHA256
	if sum == "" {
		sum = "(file not found)"
	}
	return pkg + ", sha256 " + sum
}
