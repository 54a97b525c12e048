// Package hello is the smallest plugin: it announces itself from init, which
// shows that compiling a plugin into the binary is enough to run its code
// before the application's main, and it registers a trivial pure-Go painter
// that frames the image.
package hello

import (
	"image"
	"image/color"
	"image/draw"
	"log"

	"github.com/weldgo/weld/examples/imgserver/api"
)

// FrameWidth is the width in pixels of the frame along every edge of the
// image, and FrameColor its colour. The frame stays clear of the regions
// the other example plugins paint.
const FrameWidth = 4

var FrameColor = color.RGBA{R: 230, G: 230, B: 230, A: 255}

// Frame paints a FrameWidth-pixel border in FrameColor.
type Frame struct{}

// Paint implements api.Painter.
func (Frame) Paint(dst draw.Image, _ api.Request) error {
	b := dst.Bounds()
	inner := b.Inset(FrameWidth)
	src := image.NewUniform(FrameColor)
	for _, r := range []image.Rectangle{
		{b.Min, image.Pt(b.Max.X, inner.Min.Y)},                              // top
		{image.Pt(b.Min.X, inner.Max.Y), b.Max},                              // bottom
		{image.Pt(b.Min.X, inner.Min.Y), image.Pt(inner.Min.X, inner.Max.Y)}, // left
		{image.Pt(inner.Max.X, inner.Min.Y), image.Pt(b.Max.X, inner.Max.Y)}, // right
	} {
		draw.Draw(dst, r, src, image.Point{}, draw.Src)
	}
	return nil
}

func init() {
	log.Print("hello plugin: initializing")
	// "90-" puts the frame above everything else, see api.Painters.
	api.Painters.Register("90-hello-frame", Frame{})
}
