package compose

import (
	"fmt"
	"testing"

	"golang.org/x/mod/module"
)

func TestZZScratch(t *testing.T) {
	out, err := GenerateFile(FileParams{Record: Record{Name: "x", App: ModuleVersion{"example.com/app", "v1.0.0"}, Entry: "example.com/app/cmd.Run-Server"}, EntryPackage: "example.com/app/cmd", EntryFunc: "Run-Server", Imports: []string{"b", "a", "b"}})
	fmt.Printf("%s\nerr=%v\n", out, err)
	fmt.Println(normGo("1.21rc1"), normGo("1.21.0"), compareGo("1.21rc1", "1.22.0"), compareGo("1.9", "1.24.0"), normGo("1.123456789"))
	w := newWorkModule("weld.local/work", func(s string) { fmt.Println("WARN", s) })
	w.raiseGo("1.21rc1")
	w.raiseGo("1.22")
	w.raiseGo("1.21.5")
	w.require("example.com/b", "v1.0.0")
	w.require("example.com/a", "v1.2.0")
	w.replace(replacement{Old: module.Version{Path: "example.com/a", Version: "bogus"}, New: module.Version{Path: "example.com/x", Version: "v1.0.0"}, From: "the manifest"})
	w.exclude(module.Version{Path: "example.com/c", Version: "v1.0.0"}); fmt.Println("GO", w.goVersion)
	b, err := w.format()
	fmt.Printf("%s\nerr=%v\n", b, err)
	fmt.Printf("%q\n", stringLiteral("a\nb\"c\n"))
	fmt.Printf("%q\n", string(mergeSums([]byte("b h1\n a h2 \n\n"), []byte("a h2\r\nc h3"))))
}
