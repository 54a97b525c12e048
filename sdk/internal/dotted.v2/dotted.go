// Package dotted lives in a directory whose name contains a dot, like
// gopkg.in/yaml.v3. The toolchain escapes such dots in symbol names
// ("dotted%2ev2.Register"), which the sdk must undo when it reports the
// registering package.
package dotted

import "github.com/weldgo/weld/sdk"

// Path is this package's import path.
const Path = "github.com/weldgo/weld/sdk/internal/dotted.v2"

// Declare declares a point named name from this package.
func Declare(name string) *sdk.Point[int] {
	return sdk.NewPoint[int](name)
}

// Register registers v under name into p from this package.
func Register(p *sdk.Point[int], name string, v int) {
	p.Register(name, v)
}

// Registrar registers from a method with a pointer receiver.
type Registrar struct{}

// Register registers v under name into p from a method of this package.
func (*Registrar) Register(p *sdk.Point[int], name string, v int) {
	p.Register(name, v)
}
