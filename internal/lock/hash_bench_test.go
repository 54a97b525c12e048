package lock

import (
	"path/filepath"
	"testing"
)

// exampleModules are the local modules of examples/imgserver, as its lock
// lists them: a build hashes each of them.
var exampleModules = map[string]string{
	"api":           "github.com/weldgo/weld/examples/imgserver/api",
	"app":           "github.com/weldgo/weld/examples/imgserver/app",
	"plugins/cairo": "github.com/weldgo/weld/examples/imgserver/plugins/cairo",
	"plugins/count": "github.com/weldgo/weld/examples/imgserver/plugins/count",
	"plugins/hello": "github.com/weldgo/weld/examples/imgserver/plugins/hello",
	"plugins/stamp": "github.com/weldgo/weld/examples/imgserver/plugins/stamp",
	"../../sdk":     "github.com/weldgo/weld/sdk",
}

// BenchmarkHashDirExample hashes every local module of the example, as
// each build does (go test -run XXX -bench HashDirExample ./internal/lock).
func BenchmarkHashDirExample(b *testing.B) {
	for _, tt := range []struct {
		rule string
		hash func(dir, module string, skip ...string) (string, error)
	}{{"format2", HashDir}, {"format1", hashDirV1}} {
		b.Run(tt.rule, func(b *testing.B) {
			for b.Loop() {
				for rel, module := range exampleModules {
					if _, err := tt.hash(filepath.Join("..", "..", "examples", "imgserver", rel), module); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
