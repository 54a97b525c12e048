// Package stamp is a plugin with C++ code: it paints a square whose colour
// comes from a C++ function. It is in every build of the example, so each
// artifact shows how weld ships a C++ runtime dependency: DLLs bundled in
// the Windows zip, libstdc++6 declared by the Debian package.
package stamp

// #include "stamp.h"
import "C"

import (
	"image"
	"image/color"
	"image/draw"

	"github.com/weldgo/weld/examples/imgserver/api"
)

// Square is where the stamp is painted: bottom left, clear of the other
// plugins' regions. Every pixel in it has the colour stamp_rgb returns,
// sea green (46,139,87).
var Square = image.Rect(20, 180, 60, 220)

// Stamp paints the square.
type Stamp struct{}

// Paint implements api.Painter.
func (Stamp) Paint(dst draw.Image, _ api.Request) error {
	rgb := uint32(C.stamp_rgb())
	c := color.RGBA{R: uint8(rgb >> 16), G: uint8(rgb >> 8), B: uint8(rgb), A: 255}
	draw.Draw(dst, Square.Intersect(dst.Bounds()), image.NewUniform(c), image.Point{}, draw.Src)
	return nil
}

func init() { api.Painters.Register("20-stamp", Stamp{}) }
