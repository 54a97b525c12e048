package cairo

// A minimal binding to the few cairo calls this plugin needs. It is kept
// private and tiny on purpose: the plugin only needs an offscreen surface it
// can fill a path on and read back.

/*
#cgo pkg-config: cairo
#include <cairo.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// surface is an ARGB32 image surface with a drawing context on it.
type surface struct {
	s *C.cairo_surface_t
	c *C.cairo_t
	w int
	h int
}

func newSurface(w, h int) (*surface, error) {
	s := C.cairo_image_surface_create(C.CAIRO_FORMAT_ARGB32, C.int(w), C.int(h))
	if err := status(C.cairo_surface_status(s)); err != nil {
		C.cairo_surface_destroy(s)
		return nil, err
	}
	c := C.cairo_create(s)
	if err := status(C.cairo_status(c)); err != nil {
		C.cairo_destroy(c)
		C.cairo_surface_destroy(s)
		return nil, err
	}
	return &surface{s: s, c: c, w: w, h: h}, nil
}

func (s *surface) close() {
	C.cairo_destroy(s.c)
	C.cairo_surface_destroy(s.s)
}

// fillCircle fills a circle with an RGBA colour whose components are in
// [0, 1].
func (s *surface) fillCircle(cx, cy, radius, r, g, b, a float64) error {
	C.cairo_set_source_rgba(s.c, C.double(r), C.double(g), C.double(b), C.double(a))
	C.cairo_new_path(s.c)
	C.cairo_arc(s.c, C.double(cx), C.double(cy), C.double(radius), 0, 2*3.141592653589793)
	C.cairo_fill(s.c)
	return status(C.cairo_status(s.c))
}

// pixels flushes pending drawing and calls f with the surface memory and its
// stride. The memory belongs to cairo and is only valid during f.
func (s *surface) pixels(f func(data []byte, stride int)) {
	C.cairo_surface_flush(s.s)
	stride := int(C.cairo_image_surface_get_stride(s.s))
	data := unsafe.Slice((*byte)(unsafe.Pointer(C.cairo_image_surface_get_data(s.s))), stride*s.h)
	f(data, stride)
	C.cairo_surface_mark_dirty(s.s)
}

func status(st C.cairo_status_t) error {
	if st == C.CAIRO_STATUS_SUCCESS {
		return nil
	}
	return fmt.Errorf("cairo: %s", C.GoString(C.cairo_status_to_string(st)))
}
