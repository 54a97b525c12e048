//go:build cgo

package cairo

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"

	"github.com/weldgo/weld/examples/imgserver/api"
)

func TestCircle(t *testing.T) {
	bg := color.RGBA{R: 10, G: 20, B: 30, A: 255}
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = []byte{bg.R, bg.G, bg.B, bg.A}[i%4]
	}
	if err := (Circle{}).Paint(img, api.Request{Number: 1, Width: 320, Height: 240}); err != nil {
		t.Fatal(err)
	}
	if got := img.RGBAAt(Center.X, Center.Y); got != Color {
		t.Errorf("centre %v = %v, want %v", Center, got, Color)
	}
	// Inside the radius but off-centre, to catch a swapped axis or offset.
	if got := img.RGBAAt(Center.X+Radius-5, Center.Y); got != Color {
		t.Errorf("right edge = %v, want %v", got, Color)
	}
	// Outside the circle the background must survive compositing.
	for _, p := range []image.Point{{0, 0}, {Center.X + Radius + 5, Center.Y}, {Center.X, Center.Y - Radius - 5}} {
		if got := img.RGBAAt(p.X, p.Y); got != bg {
			t.Errorf("outside pixel %v = %v, want background %v", p, got, bg)
		}
	}
}

func TestFromARGB32(t *testing.T) {
	// Two pixels per row, stride 12 to exercise row padding. Values are
	// native-endian 0xAARRGGBB: half-transparent premultiplied red, then
	// opaque blue.
	px := []uint32{0x80800000, 0xff0000ff}
	data := make([]byte, 2*12)
	for y := 0; y < 2; y++ {
		for x, v := range px {
			binary.NativeEndian.PutUint32(data[y*12+4*x:], v)
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	fromARGB32(img, data, 12)
	want := []color.RGBA{{R: 0x80, A: 0x80}, {B: 0xff, A: 0xff}}
	for y := 0; y < 2; y++ {
		for x := 0; x < 2; x++ {
			if got := img.RGBAAt(x, y); got != want[x] {
				t.Errorf("(%d,%d) = %v, want %v", x, y, got, want[x])
			}
		}
	}
}
