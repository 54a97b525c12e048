// Package count is a pure-Go plugin that writes the running request number
// into the image, so that every response visibly differs from the last.
package count

import (
	"image"
	"image/color"
	"image/draw"
	"strconv"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/weldgo/weld/examples/imgserver/api"
)

// The 7x13 bitmap font is legible but tiny, so the text is rendered into a
// small cell grid and scaled up by Scale with nearest-neighbour sampling,
// which keeps the glyph edges sharp.
const (
	Scale = 3
	cellW = 54 // 7 digits of 7 cells plus padding
	cellH = 16 // 13-cell font height plus padding
)

// Region is the fixed box the painter owns: (8,8)-(170,56), i.e. 162x48
// pixels in the top-left corner, inside the frame of the hello plugin and
// clear of the cairo plugin's circle. The box is filled with Background and
// the number is written in Ink; numbers too long for the box are clipped.
var (
	Region     = image.Rect(8, 8, 8+cellW*Scale, 8+cellH*Scale)
	Background = color.RGBA{R: 255, G: 255, B: 255, A: 255}
	Ink        = color.RGBA{A: 255}
)

// Counter paints Request.Number into Region.
type Counter struct{}

// Paint implements api.Painter.
func (Counter) Paint(dst draw.Image, r api.Request) error {
	small := image.NewRGBA(image.Rect(0, 0, cellW, cellH))
	draw.Draw(small, small.Bounds(), image.NewUniform(Background), image.Point{}, draw.Src)
	face := basicfont.Face7x13
	d := font.Drawer{
		Dst:  small,
		Src:  image.NewUniform(Ink),
		Face: face,
		// One cell of padding on the left, baseline leaves room below.
		Dot: fixed.P(1, 1+face.Ascent),
	}
	d.DrawString(strconv.FormatUint(r.Number, 10))
	xdraw.NearestNeighbor.Scale(dst, Region, small, small.Bounds(), draw.Src, nil)
	return nil
}

func init() {
	// "50-" paints the number above shapes such as the cairo circle.
	api.Painters.Register("50-count", Counter{})
}
