// Package api is the contract between the imgserver application and its
// plugins. It is a module of its own so that plugins can depend on it
// without depending on the application, and the application never depends
// on a plugin.
package api

import (
	"image/draw"

	"github.com/weldgo/weld/sdk"
)

// Request describes the image that painters paint for one HTTP request.
type Request struct {
	// Number is the running request number, starting at 1.
	Number uint64
	// Width and Height are the size of the image in pixels.
	Width, Height int
}

// Painter paints onto the image of one request. Paint must only touch dst
// and must be safe for concurrent use: requests are served in parallel.
type Painter interface {
	Paint(dst draw.Image, r Request) error
}

// Painters is the extension point for painters.
//
// The application applies painters in the order of their registered names
// (sdk.Point.All sorts by name), so later names paint on top. By convention
// a name starts with a two-digit layer, for example "10-cairo" for a
// background shape and "50-count" for text drawn on top.
var Painters = sdk.NewPoint[Painter]("imgserver.painter")
