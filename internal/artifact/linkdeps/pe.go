package linkdeps

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// systemDLLs are the DLLs every supported Windows (10 and later, Server
// 2016 and later) has in System32, so a program must never ship its own
// copy. The list is explicit on purpose: a DLL not here and not found in
// the search directories is an error, never silently assumed to exist.
// Names are lower case. api-ms-win-* and ext-ms-win-* API sets are system
// DLLs too (see SystemDLL). Notably absent: the MSVC runtimes
// (vcruntime140.dll, msvcp140.dll), which a Windows install need not have,
// and everything mingw ships (libstdc++-6.dll, libgcc_s_*.dll,
// libwinpthread-1.dll, zlib1.dll…).
var systemDLLs = map[string]bool{
	"advapi32.dll": true, "bcrypt.dll": true, "bcryptprimitives.dll": true,
	"cfgmgr32.dll": true, "comctl32.dll": true, "comdlg32.dll": true,
	"crypt32.dll": true, "cryptbase.dll": true, "d2d1.dll": true,
	"d3d11.dll": true, "d3d12.dll": true, "d3d9.dll": true, "dbghelp.dll": true,
	"dhcpcsvc.dll": true, "dnsapi.dll": true, "dwmapi.dll": true,
	"dwrite.dll": true, "dxgi.dll": true, "fwpuclnt.dll": true, "gdi32.dll": true,
	"gdiplus.dll": true, "hid.dll": true, "imagehlp.dll": true, "imm32.dll": true,
	"iphlpapi.dll": true, "kernel32.dll": true, "kernelbase.dll": true,
	"mpr.dll": true, "msimg32.dll": true, "msvcrt.dll": true, "mswsock.dll": true,
	"ncrypt.dll": true, "netapi32.dll": true, "normaliz.dll": true,
	"ntdll.dll": true, "ole32.dll": true, "oleacc.dll": true,
	"oleaut32.dll": true, "opengl32.dll": true, "powrprof.dll": true,
	"psapi.dll": true, "rpcrt4.dll": true, "secur32.dll": true,
	"setupapi.dll": true, "shell32.dll": true, "shlwapi.dll": true,
	"sspicli.dll": true, "ucrtbase.dll": true, "user32.dll": true,
	"userenv.dll": true, "usp10.dll": true, "uxtheme.dll": true,
	"version.dll": true, "winhttp.dll": true, "wininet.dll": true,
	"winmm.dll": true, "winscard.dll": true, "winspool.drv": true,
	"wintrust.dll": true, "wldap32.dll": true, "ws2_32.dll": true,
	"wsock32.dll": true, "wtsapi32.dll": true,
}

// SystemDLL reports whether the DLL name (any case) is part of Windows.
func SystemDLL(name string) bool {
	n := strings.ToLower(name)
	return systemDLLs[n] || strings.HasPrefix(n, "api-ms-win-") || strings.HasPrefix(n, "ext-ms-win-")
}

// PEImports returns the lower-cased names of the DLLs the PE file at path
// imports, sorted. They are taken from the import directory and from
// (*pe.File).ImportedSymbols ("symbol:dll"): debug/pe's
// ImportedLibraries is a stub that returns nothing, and ImportedSymbols
// skips imports by ordinal, so a DLL imported only by ordinal would be
// missed without the former. Delay-loaded DLLs are not seen; neither are
// DLLs the program loads itself (as the Go runtime does for ws2_32,
// bcryptprimitives and others, all system DLLs).
func PEImports(path string) ([]string, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading DLL imports of %s: %w", path, err)
	}
	defer f.Close()
	return peImports(f, path)
}

func peImports(f *pe.File, path string) ([]string, error) {
	names, err := importDirectoryNames(f)
	if err != nil {
		return nil, fmt.Errorf("reading DLL imports of %s: %w", path, err)
	}
	syms, err := f.ImportedSymbols()
	if err != nil {
		return nil, fmt.Errorf("reading DLL imports of %s: %w", path, err)
	}
	for _, s := range syms {
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			names = append(names, s[i+1:])
		}
	}
	for i := range names {
		names[i] = strings.ToLower(names[i])
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// importDirectoryNames reads the Name of every import descriptor.
func importDirectoryNames(f *pe.File) ([]string, error) {
	var dirs []pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		dirs = oh.DataDirectory[:min(oh.NumberOfRvaAndSizes, uint32(len(oh.DataDirectory)))]
	case *pe.OptionalHeader64:
		dirs = oh.DataDirectory[:min(oh.NumberOfRvaAndSizes, uint32(len(oh.DataDirectory)))]
	}
	if len(dirs) <= pe.IMAGE_DIRECTORY_ENTRY_IMPORT || dirs[pe.IMAGE_DIRECTORY_ENTRY_IMPORT].VirtualAddress == 0 {
		return nil, nil
	}
	var names []string
	for rva := dirs[pe.IMAGE_DIRECTORY_ENTRY_IMPORT].VirtualAddress; ; rva += 20 {
		desc, err := readRVA(f, rva, 20)
		if err != nil {
			return nil, fmt.Errorf("import directory: %w", err)
		}
		if bytes.Equal(desc, make([]byte, 20)) {
			return names, nil
		}
		name, err := readRVA(f, binary.LittleEndian.Uint32(desc[12:16]), 0)
		if err != nil {
			return nil, fmt.Errorf("import directory: DLL name: %w", err)
		}
		names = append(names, string(name))
	}
}

// readRVA returns n bytes at the relative virtual address rva, or with n
// 0 the NUL-terminated string there.
func readRVA(f *pe.File, rva uint32, n int) ([]byte, error) {
	for _, s := range f.Sections {
		size := max(s.VirtualSize, s.Size)
		if rva < s.VirtualAddress || rva >= s.VirtualAddress+size {
			continue
		}
		data, err := s.Data()
		if err != nil {
			return nil, err
		}
		off := int(rva - s.VirtualAddress)
		if off >= len(data) {
			return nil, fmt.Errorf("address %#x is past the data of section %s", rva, s.Name)
		}
		if n == 0 {
			end := bytes.IndexByte(data[off:], 0)
			if end < 0 {
				return nil, fmt.Errorf("unterminated string at %#x", rva)
			}
			return data[off : off+end], nil
		}
		if off+n > len(data) {
			return nil, fmt.Errorf("%d bytes at %#x run past section %s", n, rva, s.Name)
		}
		return data[off : off+n], nil
	}
	return nil, fmt.Errorf("address %#x is in no section", rva)
}

// DLLClosure returns the DLLs that must ship next to exe: everything it
// imports, directly or through the DLLs it imports, that is not a system
// DLL (see SystemDLL), as absolute paths found in searchDirs, sorted by
// file name. DLL names match case-insensitively; directories are searched
// in order and the first DLL of exe's machine type wins. exe's own
// directory is not searched unless it is in searchDirs. A DLL found
// nowhere is an error that names it, what needs it and the directories
// searched.
func DLLClosure(exe string, searchDirs []string) ([]string, error) {
	f, err := pe.Open(exe)
	if err != nil {
		return nil, fmt.Errorf("bundling DLLs for %s: %w", exe, err)
	}
	machine := f.FileHeader.Machine
	f.Close()
	index := indexDLLs(searchDirs)

	type item struct{ path, name string }
	queue := []item{{exe, filepath.Base(exe)}}
	found := map[string]string{}   // DLL name → path
	missing := map[string]string{} // DLL name → first module needing it
	for len(queue) > 0 {
		mod := queue[0]
		queue = queue[1:]
		imports, err := PEImports(mod.path)
		if err != nil {
			return nil, fmt.Errorf("bundling DLLs for %s: %w", exe, err)
		}
		for _, dll := range imports {
			if SystemDLL(dll) || found[dll] != "" || missing[dll] != "" {
				continue
			}
			p := pickDLL(index[dll], machine)
			if p == "" {
				missing[dll] = mod.name
				continue
			}
			found[dll] = p
			queue = append(queue, item{p, dll})
		}
	}
	if len(missing) > 0 {
		var parts []string
		for _, dll := range slices.Sorted(maps.Keys(missing)) {
			parts = append(parts, fmt.Sprintf("%s (needed by %s)", dll, missing[dll]))
		}
		return nil, fmt.Errorf("bundling DLLs for %s: not found: %s; searched %s",
			filepath.Base(exe), strings.Join(parts, ", "), describeDirs(searchDirs))
	}
	var bundle []string
	for _, dll := range slices.Sorted(maps.Keys(found)) {
		p, err := filepath.Abs(found[dll])
		if err != nil {
			return nil, fmt.Errorf("bundling DLLs for %s: %w", exe, err)
		}
		bundle = append(bundle, p)
	}
	return bundle, nil
}

// indexDLLs maps lower-cased DLL names to their paths in dirs, in order.
func indexDLLs(dirs []string) map[string][]string {
	index := map[string][]string{}
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			n := strings.ToLower(e.Name())
			if strings.HasSuffix(n, ".dll") && !e.IsDir() {
				index[n] = append(index[n], filepath.Join(d, e.Name()))
			}
		}
	}
	return index
}

// pickDLL returns the first candidate that is a PE file for machine.
func pickDLL(candidates []string, machine uint16) string {
	for _, c := range candidates {
		f, err := pe.Open(c)
		if err != nil {
			continue
		}
		m := f.FileHeader.Machine
		f.Close()
		if m == machine {
			return c
		}
	}
	return ""
}

func describeDirs(dirs []string) string {
	if len(dirs) == 0 {
		return "no directories (none given)"
	}
	var parts []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			d += " (missing)"
		}
		parts = append(parts, d)
	}
	return strings.Join(parts, ", ")
}
