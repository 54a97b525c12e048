package count

import (
	"image"
	"image/color"
	"testing"

	"github.com/weldgo/weld/examples/imgserver/api"
)

func paint(t *testing.T, n uint64) *image.RGBA {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	if err := (Counter{}).Paint(img, api.Request{Number: n, Width: 320, Height: 240}); err != nil {
		t.Fatal(err)
	}
	return img
}

func TestNumbersDifferInRegion(t *testing.T) {
	a, b := paint(t, 1), paint(t, 2)
	diff := 0
	for y := Region.Min.Y; y < Region.Max.Y; y++ {
		for x := Region.Min.X; x < Region.Max.X; x++ {
			if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				diff++
			}
		}
	}
	if diff == 0 {
		t.Fatal("numbers 1 and 2 painted identical regions")
	}
}

func TestPaintsOnlyRegionWithInk(t *testing.T) {
	img := paint(t, 1234567)
	ink := 0
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			c := img.RGBAAt(x, y)
			in := image.Pt(x, y).In(Region)
			switch {
			case !in && c != (color.RGBA{}):
				t.Fatalf("pixel (%d,%d) outside Region painted %v", x, y, c)
			case in && c == Ink:
				ink++
			case in && c != Background:
				t.Fatalf("pixel (%d,%d) = %v, neither ink nor background", x, y, c)
			}
		}
	}
	if ink == 0 {
		t.Fatal("no ink in Region")
	}
}
