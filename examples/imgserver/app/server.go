package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log"
	"net/http"
	"sync/atomic"

	"github.com/weldgo/weld/examples/imgserver/api"
	"github.com/weldgo/weld/sdk"
)

// The image size and background are fixed so that plugins, and tests, can
// rely on known pixel positions.
const (
	Width  = 320
	Height = 240
)

// Background fills every image before the painters run.
var Background = color.RGBA{R: 40, G: 56, B: 72, A: 255}

type server struct {
	requests atomic.Uint64
	// painters and composed are indirections so tests can substitute them.
	painters func() []sdk.Registration[api.Painter]
	composed func() (sdk.Composition, bool)
}

func newServer() *server {
	return &server{painters: api.Painters.All, composed: sdk.Composed}
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.image)
	mux.HandleFunc("GET /plugins", s.plugins)
	return mux
}

// image paints a new PNG: background, then every painter in name order.
func (s *server) image(w http.ResponseWriter, _ *http.Request) {
	req := api.Request{Number: s.requests.Add(1), Width: Width, Height: Height}
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(Background), image.Point{}, draw.Src)
	for _, p := range s.painters() {
		if err := p.Value.Paint(img, req); err != nil {
			log.Printf("request %d: painter %s: %v", req.Number, p.Name, err)
			http.Error(w, "painter "+p.Name+" failed", http.StatusInternalServerError)
			return
		}
	}
	// Encode to a buffer first so an encoding error can still become a 500.
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// plugins lists the plugins weld compiled in; a binary not built by weld
// has none, which is not an error.
func (s *server) plugins(w http.ResponseWriter, _ *http.Request) {
	list := []sdk.Plugin{}
	if c, ok := s.composed(); ok && c.Plugins != nil {
		list = c.Plugins
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(list)
}
