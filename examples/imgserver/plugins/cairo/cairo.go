//go:build cgo

// Package cairo is a plugin that paints with the cairo C library through
// cgo, to show that a plugin may bring native code into an application that
// itself builds without cgo.
package cairo

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"

	"github.com/weldgo/weld/examples/imgserver/api"
)

// The painter fills one opaque circle of Color, centred at Center (image
// coordinates, origin top-left) with radius Radius: it covers x 160..280,
// y 90..210 of the 320x240 image, clear of the count plugin's top-left box.
// The pixel at Center is guaranteed to be exactly Color, (255,128,0,255):
// it lies deep inside the circle, so antialiasing does not touch it.
var (
	Center = image.Pt(220, 150)
	Radius = 60
	Color  = color.RGBA{R: 255, G: 128, B: 0, A: 255}
)

// Circle paints the circle with cairo and composites it onto the image.
type Circle struct{}

// Paint implements api.Painter.
func (Circle) Paint(dst draw.Image, _ api.Request) error {
	b := dst.Bounds()
	s, err := newSurface(b.Dx(), b.Dy())
	if err != nil {
		return err
	}
	defer s.close()
	err = s.fillCircle(float64(Center.X-b.Min.X)+0.5, float64(Center.Y-b.Min.Y)+0.5, float64(Radius),
		float64(Color.R)/255, float64(Color.G)/255, float64(Color.B)/255, float64(Color.A)/255)
	if err != nil {
		return err
	}
	img := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	s.pixels(func(data []byte, stride int) { fromARGB32(img, data, stride) })
	// Over, not Src: the surface is transparent outside the circle and must
	// leave whatever earlier painters drew there.
	draw.Draw(dst, b, img, image.Point{}, draw.Over)
	return nil
}

// fromARGB32 converts cairo's ARGB32 layout into img. Each cairo pixel is a
// native-endian uint32 0xAARRGGBB with premultiplied colour, and rows are
// stride bytes apart (stride may exceed 4*width). image.RGBA is also
// premultiplied, so only the byte order changes.
func fromARGB32(img *image.RGBA, data []byte, stride int) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		row := data[y*stride:]
		out := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			v := binary.NativeEndian.Uint32(row[4*x:])
			out[4*x+0] = byte(v >> 16)
			out[4*x+1] = byte(v >> 8)
			out[4*x+2] = byte(v)
			out[4*x+3] = byte(v >> 24)
		}
	}
}

func init() {
	// "10-" paints the circle early, below text such as the request count.
	api.Painters.Register("10-cairo-circle", Circle{})
}
