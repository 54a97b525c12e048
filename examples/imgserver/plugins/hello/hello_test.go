package hello

import (
	"image"
	"image/color"
	"testing"

	"github.com/weldgo/weld/examples/imgserver/api"
)

func TestFramePaintsOnlyTheEdges(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	if err := (Frame{}).Paint(img, api.Request{Number: 1, Width: 40, Height: 30}); err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			edge := x < FrameWidth || y < FrameWidth || x >= 40-FrameWidth || y >= 30-FrameWidth
			want := color.RGBA{}
			if edge {
				want = FrameColor
			}
			if got := img.RGBAAt(x, y); got != want {
				t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}
