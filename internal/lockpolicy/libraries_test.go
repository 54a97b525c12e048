package lockpolicy

import (
	"slices"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/lock"
)

func TestLibraryChanges(t *testing.T) {
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	cairo := lock.Library{Target: "linux/amd64", File: "libcairo.so.2", SHA256: a, Package: "libcairo2", Version: "1.16.0-7", Arch: "amd64", Line: 12}
	libc := lock.Library{Target: "linux/amd64", File: "libc.so.6", SHA256: b, Package: "libc6", Version: "2.36-9", Arch: "amd64", Line: 11}
	newer := cairo
	newer.Version, newer.SHA256, newer.Line = "1.16.0-8", b, 0
	tests := []struct {
		description   string
		pinned, found []lock.Library
		changes       []string
		fixes         []string
	}{
		{description: "the same, wherever read", pinned: []lock.Library{libc, cairo}, found: []lock.Library{withLine(cairo, 0), withLine(libc, 0)}},
		{description: "another version", pinned: []lock.Library{cairo}, found: []lock.Library{newer},
			changes: []string{"linux/amd64: weld.lock:12 pins libcairo.so.2 as libcairo2 1.16.0-7 amd64, sha256 " + a +
				"; this build found libcairo2 1.16.0-8 amd64, sha256 " + b},
			fixes: []string{"install the pinned packages (apt-get install --reinstall libcairo2=1.16.0-7)"}},
		{description: "a new library and one no longer loaded", pinned: []lock.Library{libc}, found: []lock.Library{withLine(cairo, 0)},
			changes: []string{"linux/amd64: libcairo.so.2 (libcairo2 1.16.0-7 amd64, sha256 " + a + ") is not pinned",
				"linux/amd64: weld.lock:11 pins libc.so.6 (libc6 2.36-9 amd64, sha256 " + b + "), which this build does not load"}},
		{description: "a file no package provides, not found",
			found:   []lock.Library{{File: "libmine.so.1"}},
			changes: []string{"linux/amd64: libmine.so.1 (no Debian package, sha256 (file not found)) is not pinned"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			changes, fixes := libraryChanges("weld.lock", "linux/amd64", tt.pinned, tt.found)
			if !slices.Equal(changes, tt.changes) || !slices.Equal(fixes, tt.fixes) {
				t.Errorf("libraryChanges:\n got: %q\n      %q\nwant: %q\n      %q", changes, fixes, tt.changes, tt.fixes)
			}
		})
	}
}

func withLine(l lock.Library, n int) lock.Library {
	l.Line = n
	return l
}
