// Package sdk is the small, standard-library-only toolkit that Go
// applications use to expose extension points to plugins that weld compiles
// into the same binary.
//
// An application declares a typed extension point once, usually in its API
// module so that plugins can import it without importing the application:
//
//	var Painters = sdk.NewPoint[Painter]("imgserver.painter")
//
// A plugin registers into it from init:
//
//	func init() { api.Painters.Register("count", countPainter{}) }
//
// and the application reads every registration, in name order, at run time:
//
//	for _, r := range api.Painters.All() { r.Value.Paint(img, req) }
//
// Composed reports what weld compiled into the binary (the application, the
// plugins and their versions), for an application's --plugins or version
// output.
package sdk
