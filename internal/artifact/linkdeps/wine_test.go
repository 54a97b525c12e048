package linkdeps

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/artifact/winetest"
)

// TestDLLClosureUnderWine runs the posix-model C++ program under Wine with
// the bundle next to it, and without it. Wine has no builtin
// libstdc++-6.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll, so this
// shows the closure is both needed and complete: with two of the three
// (the direct imports only) the program does not start either.
func TestDLLClosureUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: initializing a wine prefix takes 10-60 s")
	}
	exe := windowsCxx(t, mingwPosix)
	bundle, err := DLLClosure(exe, MingwSearchDirs(mingwPosix.cxx))
	if err != nil {
		t.Fatal(err)
	}
	prefix := winetest.NewPrefix(t)

	stage := func(dlls []string) string {
		dir := t.TempDir()
		for _, p := range append([]string{exe}, dlls...) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		return filepath.Join(dir, filepath.Base(exe))
	}
	tests := []struct {
		description string
		dlls        []string
		ok          bool
	}{
		{"whole closure", bundle, true},
		{"direct imports only", bundle[:2], false}, // libgcc_s_seh-1, libstdc++-6
		{"no DLLs", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			res, err := prefix.Run(2*time.Minute, "", stage(tt.dlls))
			if err != nil {
				t.Fatal(err)
			}
			const want = "cxx sum=55 name=libstdc++\n"
			if ok := res.ExitCode == 0 && res.Stdout == want; ok != tt.ok {
				t.Errorf("with %q: exit %d, stdout %q, stderr %q; want success %v", baseNames(tt.dlls), res.ExitCode, res.Stdout, res.Stderr, tt.ok)
			}
			if !tt.ok {
				t.Logf("with %q: exit %d (53: a DLL is missing)", baseNames(tt.dlls), res.ExitCode)
			}
		})
	}
}
