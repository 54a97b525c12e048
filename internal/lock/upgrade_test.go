package lock

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// formatOneLock writes the base manifest's lock as weld made it in format 1:
// the local module hashed with the module zip rule.
func formatOneLock(t *testing.T, dir string) *Lock {
	t.Helper()
	l := lockFor(t, dir)
	h, err := hashDirV1(filepath.Join(dir, "plugins", "fees"), "example.com/fees")
	if err != nil {
		t.Fatal(err)
	}
	l.Locals[0].Hash = h
	text := strings.Replace(string(l.Format()), fmt.Sprintf("\nweld-lock %d\n", FormatVersion), "\nweld-lock 1\n", 1)
	back, err := Parse("weld.lock", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if back.Version != 1 {
		t.Fatalf("Parse read format %d, want 1", back.Version)
	}
	return back
}

func TestUpgrade(t *testing.T) {
	const feesChanged = "local module example.com/fees (./plugins/fees) changed"
	tests := []struct {
		description string
		edit        func(t *testing.T, fees, outside string) // after locking
		want        []string                                 // Drift after Upgrade
	}{
		{description: "nothing changed", edit: func(*testing.T, string, string) {}},
		{description: "a file format 1 covered was edited", want: []string{feesChanged},
			edit: func(t *testing.T, fees, _ string) {
				writeFiles(t, fees, map[string]string{"hook/hook.go": "package hook // edited\n"})
			}},
		{description: "a symlinked file, which format 1 did not cover, was edited",
			edit: func(t *testing.T, fees, outside string) {
				writeFiles(t, outside, map[string]string{"shared.go": "package hook // edited\n"})
			}},
		{description: "the module was removed", want: []string{"local module example.com/fees (./plugins/fees) cannot be read"},
			edit: func(t *testing.T, fees, _ string) {
				if err := os.RemoveAll(fees); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			dir, outside := t.TempDir(), t.TempDir()
			fees := filepath.Join(dir, "plugins", "fees")
			writeFiles(t, fees, map[string]string{"go.mod": "module example.com/fees\n", "hook/hook.go": "package hook\n"})
			writeFiles(t, outside, map[string]string{"shared.go": "package hook\n"})
			symlink(t, filepath.Join(outside, "shared.go"), filepath.Join(fees, "hook", "shared.go"))
			old := formatOneLock(t, dir)
			oldText := string(old.Format())
			tt.edit(t, fees, outside)

			hashed := 0
			hash := func(dir, module string) (string, error) { hashed++; return HashDir(dir, module) }
			s := parseSpec(t, dir, baseManifest)
			up := Upgrade(s, old, hash)
			if up.Version != FormatVersion {
				t.Errorf("Upgrade gave format %d, want %d", up.Version, FormatVersion)
			}
			if string(old.Format()) != oldText || old.Version != 1 {
				t.Errorf("Upgrade modified the lock it was given")
			}
			got := Drift(s, up)
			for i := range got {
				got[i], _, _ = strings.Cut(got[i], ":") // drop the error text of "cannot be read"
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Drift after Upgrade:\n got: %q\nwant: %q", got, tt.want)
			}
			if len(tt.want) == 0 {
				// The hash is the current rule's, of the files as they are
				// now, not carried over from format 1.
				now, err := HashDir(fees, "example.com/fees")
				if err != nil {
					t.Fatal(err)
				}
				if up.Locals[0].Hash != now || hashed != 1 {
					t.Errorf("upgraded hash %s (hashed %d times), want HashDir %s", up.Locals[0].Hash, hashed, now)
				}
			}
		})
	}
}

// TestUpgradeCurrent: a lock in the current format is left as it is, and
// nothing is hashed.
func TestUpgradeCurrent(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, filepath.Join(dir, "plugins", "fees"), map[string]string{"go.mod": "module example.com/fees\n"})
	l := lockFor(t, dir)
	hash := func(dir, module string) (string, error) {
		t.Errorf("Upgrade hashed %s, though the lock is current", dir)
		return "", nil
	}
	if up := Upgrade(parseSpec(t, dir, baseManifest), l, hash); up != l {
		t.Errorf("Upgrade of a current lock returned a new lock")
	}
}

// TestUpgradeFromFormat3: a format 3 lock (no lib lines) is read, and
// upgraded to format 4 without hashing anything and without library pins;
// the rest of the file stays as it was.
func TestUpgradeFromFormat3(t *testing.T) {
	v4 := fullLock()
	v4.Libraries = nil
	v3text := strings.Replace(string(v4.Format()), "\nweld-lock 4\n", "\nweld-lock 3\n", 1)
	v3, err := Parse("weld.lock", []byte(v3text))
	if err != nil {
		t.Fatal(err)
	}
	if v3.Version != 3 {
		t.Fatalf("Parse read format %d, want 3", v3.Version)
	}
	hash := func(dir, module string) (string, error) {
		t.Errorf("Upgrade from format 3 hashed %s", dir)
		return "", nil
	}
	up := Upgrade(parseSpec(t, t.TempDir(), baseManifest), v3, hash)
	if up.Version != 4 || len(up.Libraries) != 0 {
		t.Errorf("Upgrade gave format %d with libraries %+v, want format 4 with none", up.Version, up.Libraries)
	}
	if got, want := string(up.Format()), string(v4.Format()); got != want {
		t.Errorf("upgraded lock:\n%s\nwant:\n%s", got, want)
	}
	if v3.Version != 3 {
		t.Errorf("Upgrade modified the lock it was given")
	}
}
