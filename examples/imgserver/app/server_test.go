package main

import (
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/weldgo/weld/examples/imgserver/api"
	"github.com/weldgo/weld/sdk"
)

// dot paints pixel (x, 0) with a colour made from the request (its number
// and a quarter of its size), so the test sees that every painter ran and
// what it was told.
type dot struct{ x int }

func (d dot) Paint(dst draw.Image, r api.Request) error {
	dst.Set(d.x, 0, color.RGBA{R: uint8(r.Number), G: uint8(r.Width / 4), B: uint8(r.Height / 4), A: 255})
	return nil
}

// getImage fetches / and decodes the PNG.
func getImage(t *testing.T, h http.Handler) *image.RGBA {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("GET / = %d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	img, err := png.Decode(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba
}

func TestImage(t *testing.T) {
	s := newServer()
	s.painters = func() []sdk.Registration[api.Painter] {
		return []sdk.Registration[api.Painter]{{Name: "a", Value: dot{1}}, {Name: "b", Value: dot{2}}}
	}
	h := s.handler()
	for n := 1; n <= 2; n++ {
		img := getImage(t, h)
		if got := img.Bounds(); got != image.Rect(0, 0, Width, Height) {
			t.Fatalf("bounds = %v", got)
		}
		if got := img.RGBAAt(Width/2, Height/2); got != Background {
			t.Errorf("background = %v, want %v", got, Background)
		}
		want := color.RGBA{R: uint8(n), G: Width / 4, B: Height / 4, A: 255}
		for _, x := range []int{1, 2} {
			if got := img.RGBAAt(x, 0); got != want {
				t.Errorf("request %d: painter pixel (%d,0) = %v, want %v", n, x, got, want)
			}
		}
	}
}

func TestPlugins(t *testing.T) {
	composed := sdk.Composition{App: sdk.Module{Path: "example.com/app", Version: "(local)"},
		Plugins: []sdk.Plugin{{Module: sdk.Module{Path: "example.com/p", Version: "v1.0.0"}, Package: "example.com/p"}}}
	for _, tc := range []struct {
		name string
		c    sdk.Composition
		ok   bool
		want []sdk.Plugin
	}{
		{"not composed", sdk.Composition{}, false, []sdk.Plugin{}},
		{"composed", composed, true, composed.Plugins},
	} {
		s := newServer()
		s.composed = func() (sdk.Composition, bool) { return tc.c, tc.ok }
		rec := httptest.NewRecorder()
		s.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/plugins", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", tc.name, rec.Code)
		}
		var got []sdk.Plugin
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v in %q", tc.name, err, rec.Body)
		}
		if got == nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %#v, want %#v", tc.name, got, tc.want)
		}
	}
}
