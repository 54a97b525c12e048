package linkdeps

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// mingwRuntimeDLLs are the DLLs mingw-w64 toolchains ship that programs
// commonly link against; asking the compiler where they are finds its
// runtime directories without hard-coding a GCC version or a thread model.
var mingwRuntimeDLLs = []string{
	"libstdc++-6.dll", "libgcc_s_seh-1.dll", "libgcc_s_dw2-1.dll",
	"libwinpthread-1.dll", "libssp-0.dll", "libgomp-1.dll", "zlib1.dll",
}

// MingwSearchDirs returns the directories holding the DLLs of the mingw-w64
// compiler cc (a command, possibly with arguments, such as
// "x86_64-w64-mingw32-g++-posix"), for DLLClosure. It asks the compiler
// itself: -print-file-name=<dll> for the usual runtime DLLs, then the
// "libraries:" line of -print-search-dirs, keeping directories that hold
// DLLs (and the bin directory next to a lib directory, where MSYS2-style
// toolchains keep them). On Debian 12 with the posix thread model that is
// /usr/lib/gcc/x86_64-w64-mingw32/12-posix and /usr/x86_64-w64-mingw32/lib.
//
// Pass the compiler that links the program: when a cgo package has C++
// files, go build links with CXX, and the win32 and posix thread models
// ship different libstdc++-6.dll files under the same name. The result is
// empty when cc cannot be run.
func MingwSearchDirs(cc string) []string {
	argv := strings.Fields(cc)
	if len(argv) == 0 {
		return nil
	}
	query := func(arg string) string {
		out, err := exec.Command(argv[0], append(argv[1:], arg)...).Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	var dirs []string
	seen := map[string]bool{}
	add := func(d string) {
		d = filepath.Clean(d)
		if !seen[d] && hasDLL(d) {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	for _, dll := range mingwRuntimeDLLs {
		if p := query("-print-file-name=" + dll); filepath.IsAbs(p) {
			if _, err := os.Stat(p); err == nil {
				add(filepath.Dir(p))
			}
		}
	}
	for _, line := range strings.Split(query("-print-search-dirs"), "\n") {
		list, ok := strings.CutPrefix(line, "libraries: =")
		if !ok {
			list, ok = strings.CutPrefix(line, "libraries: ")
		}
		if !ok {
			continue
		}
		for _, d := range filepath.SplitList(list) {
			if d == "" {
				continue
			}
			add(d)
			if filepath.Base(filepath.Clean(d)) == "lib" {
				add(filepath.Join(filepath.Dir(filepath.Clean(d)), "bin"))
			}
		}
	}
	return dirs
}

func hasDLL(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasSuffix(strings.ToLower(e.Name()), ".dll") && !e.IsDir() {
			return true
		}
	}
	return false
}
