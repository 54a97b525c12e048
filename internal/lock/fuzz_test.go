package lock

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics and that every lock it accepts
// is one that Format writes back in a form Parse reads to the same lock:
// Format, Parse and Format again give the same bytes. Crashers found are
// kept in testdata/fuzz/FuzzParse and run with go test. To fuzz:
//
//	go test -run XXX -fuzz FuzzParse -fuzztime 60s ./internal/lock
func FuzzParse(f *testing.F) {
	f.Add([]byte(fullLockText))
	f.Add([]byte(strings.Replace(fullLockText, "weld-lock 2", "weld-lock 1", 1)))
	f.Add([]byte("weld-lock 1\ngo go1.26.8\napp example.com/app v1.0.0 query=v1.0.0\n"))
	f.Add([]byte("  # c\n\nweld-lock 2\n\t go   go1.26.8  \r\napp  m  v1   query=v%201 path=..%2Fa%25b\n"))
	f.Add([]byte("weld-lock 2\ngo g\napp - - package=p entry=Main\nplugin x (local) path=./My%20Plugins/p\nlocal x ./My%20Plugins/p h1:x=\n"))
	f.Add([]byte("weld-lock 2\ngo g\napp a v\nreplace a%20b => ./c%09d\nexclude a@v1\nsum a v1 h1:x\nmodule a v1\n"))
	f.Add([]byte("weld-lock 2\ngo g\napp a v\nsysroot t archive=a suite=s packages=\ndeb t p 1 arm64 ab f.deb\nsysroot u\n"))
	f.Add([]byte("weld-lock 2\ngo g\napp a v\nplugin p v\nplugin p v\n"))
	f.Add([]byte("weld-lock 4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("weld.lock", data)
		if err != nil {
			return
		}
		first := l.Format()
		back, err := Parse("weld.lock", first)
		if err != nil {
			t.Fatalf("Parse accepted\n%q\nbut not its Format output\n%q\n%v", data, first, err)
		}
		if second := back.Format(); !bytes.Equal(first, second) {
			t.Fatalf("Format, Parse, Format changed the lock:\n%q\n%q", first, second)
		}
	})
}
