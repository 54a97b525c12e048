package stamp

import (
	"image"
	"image/color"
	"testing"

	"github.com/weldgo/weld/examples/imgserver/api"
)

func TestPaintUsesTheColourFromCxx(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	if err := (Stamp{}).Paint(img, api.Request{Number: 1, Width: 320, Height: 240}); err != nil {
		t.Fatal(err)
	}
	want := color.RGBA{46, 139, 87, 255}
	for _, p := range []image.Point{Square.Min, Square.Max.Sub(image.Pt(1, 1))} {
		if got := img.RGBAAt(p.X, p.Y); got != want {
			t.Errorf("pixel %v = %v, want %v", p, got, want)
		}
	}
	if got := img.RGBAAt(Square.Max.X, Square.Max.Y); got == want {
		t.Errorf("pixel outside the square was painted")
	}
}
