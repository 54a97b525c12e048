package linkdeps

import (
	"debug/pe"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPEPureGo(t *testing.T) {
	exe := goBuild(t, "pure.exe", "pure", "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	imports, err := PEImports(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(imports, []string{"kernel32.dll"}) {
		t.Errorf("PEImports(pure Go) = %q, want kernel32.dll only", imports)
	}
	bundle, err := DLLClosure(exe, nil)
	if err != nil || len(bundle) != 0 {
		t.Errorf("DLLClosure(pure Go) = %q, %v; want nothing", bundle, err)
	}
	if _, err := DLLClosure("testdata/pure/main.go", nil); err == nil || !strings.Contains(err.Error(), "main.go") {
		t.Errorf("DLLClosure(not PE) = %v", err)
	}
}

func TestMingwSearchDirs(t *testing.T) {
	windowsCxx(t, mingwPosix) // checks the compilers are there
	posix, win32 := MingwSearchDirs(mingwPosix.cxx), MingwSearchDirs(mingwWin32.cxx)
	t.Logf("posix: %q\nwin32: %q", posix, win32)
	for _, dirs := range [][]string{posix, win32} {
		for _, dll := range []string{"libstdc++-6.dll", "libgcc_s_seh-1.dll", "libwinpthread-1.dll"} {
			if len(indexDLLs(dirs)[dll]) == 0 {
				t.Errorf("%s not in %q", dll, dirs)
			}
		}
	}
	// The thread models ship different libstdc++-6.dll files.
	if indexDLLs(posix)["libstdc++-6.dll"][0] == indexDLLs(win32)["libstdc++-6.dll"][0] {
		t.Errorf("posix and win32 search dirs give the same libstdc++-6.dll")
	}
	if dirs := MingwSearchDirs("no-such-mingw-gcc"); dirs != nil {
		t.Errorf("MingwSearchDirs(missing compiler) = %q", dirs)
	}
	if dirs := MingwSearchDirs(""); dirs != nil {
		t.Errorf("MingwSearchDirs(\"\") = %q", dirs)
	}
}

// TestDLLClosure checks the closure of a cgo program with a C++ file, for
// both mingw-w64 thread models. With the posix model the program imports
// libstdc++-6.dll and libgcc_s_seh-1.dll, and both of those import
// libwinpthread-1.dll; with the win32 model nothing imports
// libwinpthread-1.dll.
func TestDLLClosure(t *testing.T) {
	tests := []struct {
		m    mingw
		want []string
	}{
		{mingwPosix, []string{"libgcc_s_seh-1.dll", "libstdc++-6.dll", "libwinpthread-1.dll"}},
		{mingwWin32, []string{"libgcc_s_seh-1.dll", "libstdc++-6.dll"}},
	}
	for _, tt := range tests {
		t.Run(tt.m.cxx, func(t *testing.T) {
			exe := windowsCxx(t, tt.m)
			imports, err := PEImports(exe)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"kernel32.dll", "libgcc_s_seh-1.dll", "libstdc++-6.dll", "msvcrt.dll"}; !slices.Equal(imports, want) {
				t.Errorf("PEImports = %q, want %q", imports, want)
			}
			dirs := MingwSearchDirs(tt.m.cxx)
			bundle, err := DLLClosure(exe, dirs)
			if err != nil {
				t.Fatal(err)
			}
			if got := baseNames(bundle); !slices.Equal(got, tt.want) {
				t.Errorf("DLLClosure = %q, want %q", bundle, tt.want)
			}
			for _, p := range bundle {
				if !filepath.IsAbs(p) || !slices.Contains(dirs, filepath.Dir(p)) {
					t.Errorf("%s is not an absolute path in %q", p, dirs)
				}
			}
		})
	}
}

func TestDLLClosureMissing(t *testing.T) {
	exe := windowsCxx(t, mingwPosix)
	gccDir := filepath.Dir(indexDLLs(MingwSearchDirs(mingwPosix.cxx))["libstdc++-6.dll"][0])
	empty := filepath.Join(t.TempDir(), "nowhere")
	_, err := DLLClosure(exe, []string{gccDir, empty})
	if err == nil {
		t.Fatal("DLLClosure without libwinpthread-1.dll's directory succeeded")
	}
	// libgcc_s_seh-1.dll sorts first, so it is the first to need it.
	for _, want := range []string{"cxx-x86_64-w64-mingw32-g++-posix.exe", "libwinpthread-1.dll (needed by libgcc_s_seh-1.dll)", gccDir, empty + " (missing)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	_, err = DLLClosure(exe, nil)
	if err == nil || !strings.Contains(err.Error(), "libgcc_s_seh-1.dll (needed by cxx-") || !strings.Contains(err.Error(), "libstdc++-6.dll (needed by cxx-") {
		t.Errorf("DLLClosure with no dirs = %v", err)
	}
}

// TestDLLClosureCaseAndMachine copies the DLLs under upper-case names and
// puts a DLL of the wrong machine type first: names match regardless of
// case, and the wrong machine is passed over.
func TestDLLClosureCaseAndMachine(t *testing.T) {
	exe := windowsCxx(t, mingwPosix)
	index := indexDLLs(MingwSearchDirs(mingwPosix.cxx))
	upper, wrong := t.TempDir(), t.TempDir()
	for _, dll := range []string{"libstdc++-6.dll", "libgcc_s_seh-1.dll", "libwinpthread-1.dll"} {
		data, err := os.ReadFile(index[dll][0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(upper, strings.ToUpper(dll)), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if dll == "libstdc++-6.dll" {
			// Make an i386 copy: the COFF header's Machine field follows
			// "PE\0\0" at the offset stored at 0x3c.
			off := binary.LittleEndian.Uint32(data[0x3c:]) + 4
			binary.LittleEndian.PutUint16(data[off:], pe.IMAGE_FILE_MACHINE_I386)
			if err := os.WriteFile(filepath.Join(wrong, dll), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	bundle, err := DLLClosure(exe, []string{wrong, upper})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"LIBGCC_S_SEH-1.DLL", "LIBSTDC++-6.DLL", "LIBWINPTHREAD-1.DLL"}
	if got := baseNames(bundle); !slices.Equal(got, want) || filepath.Dir(bundle[1]) != upper {
		t.Errorf("DLLClosure = %q, want %q from %s", bundle, want, upper)
	}
	// Only the wrong machine: not found.
	if _, err := DLLClosure(exe, []string{wrong}); err == nil || !strings.Contains(err.Error(), "libstdc++-6.dll (needed by") {
		t.Errorf("DLLClosure with only an i386 libstdc++ = %v", err)
	}
}

// TestImportDirectory checks the import-directory reader against
// ImportedSymbols on real binaries: for mingw DLLs and executables, which
// import by name, both give the same DLLs.
func TestImportDirectory(t *testing.T) {
	exe := windowsCxx(t, mingwPosix)
	files := []string{exe, goBuild(t, "pure.exe", "pure", "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")}
	for _, dirs := range MingwSearchDirs(mingwPosix.cxx) {
		ms, _ := filepath.Glob(filepath.Join(dirs, "*.dll"))
		files = append(files, ms...)
	}
	for _, p := range files {
		f, err := pe.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		names, err := importDirectoryNames(f)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		syms, _ := f.ImportedSymbols()
		f.Close()
		var fromSyms []string
		for _, s := range syms {
			fromSyms = append(fromSyms, strings.ToLower(s[strings.LastIndexByte(s, ':')+1:]))
		}
		for i := range names {
			names[i] = strings.ToLower(names[i])
		}
		slices.Sort(names)
		slices.Sort(fromSyms)
		if !slices.Equal(names, slices.Compact(fromSyms)) {
			t.Errorf("%s: import directory %q, ImportedSymbols %q", p, names, slices.Compact(fromSyms))
		}
	}
}
