//go:build !cgo

package cairo

// The cairo plugin calls the cairo C library, so it cannot be built with
// CGO_ENABLED=0. This deliberately undefined name turns the otherwise
// puzzling compile errors into one that says what is wrong.
var _ = cairo_plugin_requires_cgo_build_with_CGO_ENABLED_1
