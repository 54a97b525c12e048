// Package linkdeps finds what a compiled binary needs from the system it
// runs on: for ELF binaries the shared libraries and symbol versions,
// turned into Debian Depends; for Windows executables the DLLs that are
// not part of Windows and must ship beside the .exe.
package linkdeps

import (
	"debug/elf"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ELFInfo is what an ELF binary asks of the dynamic linker.
type ELFInfo struct {
	Machine elf.Machine
	// Interp is the program interpreter (PT_INTERP), such as
	// "/lib64/ld-linux-x86-64.so.2"; empty for a static binary.
	Interp string
	// Needed are the DT_NEEDED sonames in file order, such as "libc.so.6".
	Needed []string
	// Versions maps a soname to the symbol versions the binary requires of
	// it, such as "GLIBC_2.2.5" and "GLIBC_2.34", ordered by SymverLess.
	Versions map[string][]string
}

// Static reports whether the binary needs no dynamic linker at all.
func (i ELFInfo) Static() bool { return i.Interp == "" && len(i.Needed) == 0 }

// MaxVersion returns the highest version of lib that starts with prefix
// ("GLIBC_" gives "GLIBC_2.34"), or "" when the binary requires none.
func (i ELFInfo) MaxVersion(lib, prefix string) string {
	max := ""
	for _, v := range i.Versions[lib] {
		if _, ok := symverNumber(v, prefix); ok && (max == "" || SymverLess(max, v)) {
			max = v
		}
	}
	return max
}

// GlibcFloor returns the highest GLIBC_x.y version required from any glibc
// library (libc.so.6, libm.so.6, ld-linux…) without the prefix, such as
// "2.34": the oldest glibc the binary runs on. It is "" when the binary
// uses no versioned glibc symbol.
func (i ELFInfo) GlibcFloor() string {
	best := ""
	for lib := range i.Versions {
		if !IsGlibc(lib) {
			continue
		}
		if v := i.MaxVersion(lib, "GLIBC_"); v != "" && (best == "" || SymverLess("GLIBC_"+best, v)) {
			best = strings.TrimPrefix(v, "GLIBC_")
		}
	}
	return best
}

// ELFNeeds reads what the ELF binary at path needs. Required versions come
// from the version-needs section (SHT_GNU_verneed), which the dynamic linker
// checks at start-up, together with the versions of the imported symbols
// (debug/elf ImportedSymbols); the former includes the latter but also
// lists versions no symbol refers to.
func ELFNeeds(path string) (ELFInfo, error) {
	return readELF(path, true)
}

// ELFLinks reads only the machine, interpreter and DT_NEEDED entries of
// the ELF object at path: what the dynamic linker needs to find its
// libraries. Libraries without a version table have no symbol versions to
// read.
func ELFLinks(path string) (ELFInfo, error) {
	return readELF(path, false)
}

func readELF(path string, versions bool) (ELFInfo, error) {
	f, err := elf.Open(path)
	if err != nil {
		return ELFInfo{}, fmt.Errorf("reading ELF dependencies of %s: %w", path, err)
	}
	defer f.Close()
	info := ELFInfo{Machine: f.Machine, Versions: map[string][]string{}}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err != nil {
				return ELFInfo{}, fmt.Errorf("reading ELF dependencies of %s: PT_INTERP: %w", path, err)
			}
			info.Interp = strings.TrimRight(string(b), "\x00")
		}
	}
	if f.Section(".dynamic") == nil {
		return info, nil // static
	}
	if info.Needed, err = f.ImportedLibraries(); err != nil {
		return ELFInfo{}, fmt.Errorf("reading ELF dependencies of %s: DT_NEEDED: %w", path, err)
	}
	if !versions {
		return info, nil
	}
	add := func(lib, v string) {
		if lib != "" && v != "" && !slices.Contains(info.Versions[lib], v) {
			info.Versions[lib] = append(info.Versions[lib], v)
		}
	}
	// A library may need others without versioning any symbol: then it has
	// no version-needs section, and asking for one is an error.
	var needs []elf.DynamicVersionNeed
	if f.SectionByType(elf.SHT_GNU_VERNEED) != nil {
		needs, err = f.DynamicVersionNeeds()
		if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
			return ELFInfo{}, fmt.Errorf("reading ELF dependencies of %s: version needs: %w", path, err)
		}
	}
	for _, n := range needs {
		for _, d := range n.Needs {
			add(n.Name, d.Dep)
		}
	}
	syms, err := f.ImportedSymbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return ELFInfo{}, fmt.Errorf("reading ELF dependencies of %s: imported symbols: %w", path, err)
	}
	for _, s := range syms {
		add(s.Library, s.Version)
	}
	for _, vs := range info.Versions {
		slices.SortFunc(vs, func(a, b string) int {
			switch {
			case SymverLess(a, b):
				return -1
			case SymverLess(b, a):
				return 1
			}
			return 0
		})
	}
	return info, nil
}

// symverNumber splits "GLIBC_2.34" with prefix "GLIBC_" into [2 34]. It
// fails for other prefixes and for names like "GLIBC_PRIVATE".
func symverNumber(v, prefix string) ([]int, bool) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok || rest == "" {
		return nil, false
	}
	var nums []int
	for _, p := range strings.Split(rest, ".") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, false
		}
		nums = append(nums, n)
	}
	return nums, true
}

// symverKey splits a version name at its last "_": "GLIBC_2.34" gives
// "GLIBC_" and [2 34]; "GLIBC_PRIVATE" gives "GLIBC_" and no number.
func symverKey(v string) (prefix string, nums []int, numbered bool) {
	prefix = v[:strings.LastIndexByte(v, '_')+1]
	nums, numbered = symverNumber(v, prefix)
	return prefix, nums, numbered
}

// SymverLess orders symbol versions: by the prefix before the last "_",
// then numbered before unnumbered, then numerically ("GLIBC_2.2.5" <
// "GLIBC_2.17" < "GLIBC_2.34" < "GLIBC_PRIVATE"), then by name.
func SymverLess(a, b string) bool {
	pa, na, oka := symverKey(a)
	pb, nb, okb := symverKey(b)
	switch {
	case pa != pb:
		return pa < pb
	case oka != okb:
		return oka
	}
	if c := slices.Compare(na, nb); c != 0 {
		return c < 0
	}
	return a < b
}
