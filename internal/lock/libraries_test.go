package lock

import (
	"strings"
	"testing"
)

func TestLibrariesForAndWith(t *testing.T) {
	l := fullLock()
	amd := l.LibrariesFor("linux/amd64")
	if len(amd) != 2 || amd[0].File != "libc.so.6" || amd[1].File != "libcairo.so.2" || amd[1].Line != 29 {
		t.Fatalf("LibrariesFor(linux/amd64) = %+v", amd)
	}
	if got := l.LibrariesFor("linux/riscv64"); len(got) != 0 {
		t.Errorf("LibrariesFor of a target without pins = %+v", got)
	}
	found := []Library{{File: "libz.so.1", SHA256: strings.Repeat("d", 64), Package: "zlib1g", Version: "1:1.2.13", Arch: "amd64", Line: 7}}
	w := l.WithLibraries("linux/amd64", found)
	if got := w.LibrariesFor("linux/amd64"); len(got) != 1 || got[0].Target != "linux/amd64" || got[0].Line != 0 {
		t.Errorf("WithLibraries replaced linux/amd64's pins with %+v", got)
	}
	if got := w.LibrariesFor("linux/arm64"); len(got) != 2 {
		t.Errorf("WithLibraries dropped another target's pins: %+v", got)
	}
	if len(l.LibrariesFor("linux/amd64")) != 2 {
		t.Errorf("WithLibraries modified its receiver")
	}
	a, b := amd[1], amd[1]
	b.Line = 99
	if !a.Same(b) {
		t.Errorf("Same compares line numbers")
	}
	b.SHA256 = strings.Repeat("e", 64)
	if a.Same(b) {
		t.Errorf("Same ignores the sha256")
	}
}

// TestKeyFormat: cache keys do not see the library pins, which a build
// records after it linked, but see everything else.
func TestKeyFormat(t *testing.T) {
	l := fullLock()
	bare := fullLock()
	bare.Libraries = nil
	if string(l.KeyFormat()) != string(bare.Format()) {
		t.Errorf("KeyFormat holds the library pins:\n%s", l.KeyFormat())
	}
	if string(l.KeyFormat()) == string(l.Format()) {
		t.Errorf("KeyFormat is Format")
	}
	l.Go = "go1.99"
	if string(l.KeyFormat()) == string(bare.Format()) {
		t.Errorf("KeyFormat does not see the go version")
	}
}
