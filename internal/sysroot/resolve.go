package sysroot

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"pault.ag/go/debian/dependency"
)

// toolchainProvided are the packages a sysroot never contains, because the
// Debian cross toolchain already ships them for the target under
// /usr/<triplet> (libc6-dev-<arch>-cross, linux-libc-dev-<arch>-cross,
// libgcc-12-dev-<arch>-cross and the runtime libraries it depends on), and
// cross gcc links against that copy by default. A second glibc from the
// archive would be a different build of the same library: headers, crt
// files and libc.so.6 could then come from two builds, and at run time
// qemu-user hangs when ld.so and libc.so.6 come from different builds.
// Leaving them out keeps exactly one libc, the toolchain's.
//
// Deliberately NOT listed, though they sound similar: libcrypt1 and
// libcrypt-dev (libxcrypt; since glibc 2.36 not part of libc6-*-cross) and
// libstdc++6 (only present with g++-<triplet>; the archive's copy is the
// same GCC release and harmless when the toolchain has one too).
var toolchainProvided = []string{
	"libc6", "libc6-dev", "libc-dev", // glibc (libc-dev is virtual)
	"libc6.1", "libc6.1-dev", "libc0.1", "libc0.1-dev", "libc0.3", "libc0.3-dev",
	"linux-libc-dev",                         // kernel headers: linux-libc-dev-<arch>-cross
	"libgcc-s1", "libgcc-s[0-9]*", "libgcc1", // libgcc_s
	"libgcc-*-dev", "gcc-*-base", // libgcc.a, crtbegin.o; package base
	"libstdc++-*-dev", // C++ headers must match the compiler, from g++-<triplet>
	"libgomp1", "libitm1", "libatomic1", "libasan[0-9]*", "liblsan0",
	"libtsan[0-9]*", "libubsan1", "libhwasan0", "libquadmath0",
}

func isToolchainProvided(name string) bool {
	for _, pat := range toolchainProvided {
		if ok, _ := path.Match(pat, name); ok {
			return true
		}
	}
	return false
}

type resolver struct {
	idx     *index
	arch    string
	chosen  map[string]*pkg
	parent  map[string]string // chosen package -> who pulled it in, for errors
	queue   []*pkg
	skipped map[string]string // left out, and why (for the log)
}

// resolve picks the packages of names and everything they Depend or
// Pre-Depend on, greedily like apt: the highest version that satisfies
// the constraint, the first satisfiable alternative, a package already
// chosen before a new one. There is no backtracking; Debian's indexes hold
// one version per package and are installable as a whole, so a plain walk
// finds the same set apt would. Recommends are ignored (the sysroot is for
// linking, and apt users of cross sysroots say --no-install-recommends).
func resolve(idx *index, arch string, names []string, log func(string)) ([]*pkg, error) {
	r := &resolver{idx: idx, arch: arch, chosen: map[string]*pkg{},
		parent: map[string]string{}, skipped: map[string]string{}}
	for _, name := range names {
		if isToolchainProvided(name) {
			r.skipped[name] = "provided by the cross toolchain"
			continue
		}
		p := r.candidate(dependency.Possibility{Name: name})
		if p == nil {
			return nil, fmt.Errorf("package %s is not in %s", name, idx.where)
		}
		r.add(p, "the manifest")
	}
	for len(r.queue) > 0 {
		p := r.queue[0]
		r.queue = r.queue[1:]
		for _, field := range []string{p.preDepends, p.depends} {
			if field == "" {
				continue
			}
			dep, err := dependency.Parse(field)
			if err != nil {
				return nil, fmt.Errorf("package %s: bad dependency field %q: %w", p, field, err)
			}
			for _, rel := range dep.Relations {
				if err := r.satisfy(rel, p); err != nil {
					return nil, err
				}
			}
		}
	}
	out := make([]*pkg, 0, len(r.chosen))
	for _, p := range r.chosen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	why := map[string][]string{}
	for name, reason := range r.skipped {
		why[reason] = append(why[reason], name)
	}
	var reasons []string
	for reason := range why {
		reasons = append(reasons, reason)
	}
	sort.Strings(reasons)
	for _, reason := range reasons {
		sort.Strings(why[reason])
		log(fmt.Sprintf("sysroot: left out, %s: %s", reason, strings.Join(why[reason], " ")))
	}
	log(fmt.Sprintf("sysroot: resolved %s to %d packages", strings.Join(names, " "), len(out)))
	return out, nil
}

func (r *resolver) add(p *pkg, by string) {
	if _, ok := r.chosen[p.name]; ok {
		return
	}
	r.chosen[p.name] = p
	r.parent[p.name] = by
	r.queue = append(r.queue, p)
}

// satisfy makes sure one relation (a | b | c) of parent holds.
func (r *resolver) satisfy(rel dependency.Relation, parent *pkg) error {
	var poss []dependency.Possibility
	for _, p := range rel.Possibilities {
		if p.Substvar || (p.Architectures != nil && !r.archMatches(p.Architectures)) {
			continue
		}
		poss = append(poss, p)
	}
	if len(poss) == 0 {
		return nil
	}
	for _, p := range poss {
		if isToolchainProvided(p.Name) {
			r.skipped[p.Name] = "provided by the cross toolchain"
			return nil
		}
		if r.satisfiedByChosen(p) {
			return nil
		}
	}
	for _, p := range poss {
		c := r.candidate(p)
		if c == nil {
			continue
		}
		if prev, ok := r.chosen[c.name]; ok && prev != c {
			continue // another version is already in; no backtracking
		}
		if buildSide(p, c) {
			// dpkg satisfies this from the build machine in a cross
			// build: an executable (Multi-Arch: foreign) or a :any
			// dependency on an interpreter (Multi-Arch: allowed), never
			// something to link against. Taking the target's python3,
			// perl or pkgconf would only bloat the sysroot.
			r.skipped[c.name] = "a build tool (Multi-Arch: " + c.multiArch + ")"
			return nil
		}
		r.add(c, parent.String())
		return nil
	}
	return fmt.Errorf("%s (needed by %s) depends on %q, which nothing in %s satisfies%s",
		parent, r.parent[parent.name], relString(rel), r.idx.where, r.have(poss))
}

func (r *resolver) archMatches(set *dependency.ArchSet) bool {
	a, err := dependency.ParseArch(r.arch)
	return err != nil || set.Matches(a)
}

// satisfiedByChosen reports whether an already chosen package (itself or
// through Provides) fulfils p.
func (r *resolver) satisfiedByChosen(p dependency.Possibility) bool {
	if c, ok := r.chosen[p.Name]; ok && (p.Version == nil || p.Version.SatisfiedBy(c.ver)) {
		return true
	}
	for _, pr := range r.idx.provides[p.Name] {
		if r.chosen[pr.p.name] == pr.p && providerFits(pr, p) {
			return true
		}
	}
	return false
}

// candidate is the package that would satisfy p: the highest version of a
// real package of that name, else a provider (one already chosen first).
func (r *resolver) candidate(p dependency.Possibility) *pkg {
	if p.Arch != nil && !anyQualifier(p) && p.Arch.CPU != "native" {
		if a, err := dependency.ParseArch(r.arch); err == nil && !p.Arch.Is(a) {
			return nil // pkg:otherarch cannot come from this architecture's index
		}
	}
	for _, c := range r.idx.pkgs[p.Name] {
		if p.Version == nil || p.Version.SatisfiedBy(c.ver) {
			return c
		}
	}
	var fits []*pkg
	for _, pr := range r.idx.provides[p.Name] {
		if providerFits(pr, p) {
			if r.chosen[pr.p.name] == pr.p {
				return pr.p
			}
			fits = append(fits, pr.p)
		}
	}
	if len(fits) == 0 {
		return nil
	}
	// Several providers and none chosen: be deterministic (apt would ask).
	sort.Slice(fits, func(i, j int) bool { return fits[i].name < fits[j].name })
	return fits[0]
}

// providerFits: an unversioned Provides never satisfies a versioned
// dependency (Debian policy 7.5).
func providerFits(pr provider, p dependency.Possibility) bool {
	if p.Version == nil {
		return true
	}
	return pr.ver != nil && p.Version.SatisfiedBy(*pr.ver)
}

func anyQualifier(p dependency.Possibility) bool {
	return p.Arch != nil && p.Arch.CPU == "any" && p.Arch.OS == "any"
}

func buildSide(p dependency.Possibility, c *pkg) bool {
	if c.arch != "all" && c.multiArch == "foreign" {
		return true
	}
	return anyQualifier(p) && c.multiArch == "allowed"
}

func relString(rel dependency.Relation) string {
	return strings.TrimSpace(rel.String())
}

// have lists what the index does offer under the names asked for, which is
// usually the answer to "why not".
func (r *resolver) have(poss []dependency.Possibility) string {
	var parts []string
	for _, p := range poss {
		for _, c := range r.idx.pkgs[p.Name] {
			parts = append(parts, c.String())
		}
		if c, ok := r.chosen[p.Name]; ok {
			parts = append(parts, c.String()+" (already chosen)")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (it has " + strings.Join(parts, ", ") + ")"
}
