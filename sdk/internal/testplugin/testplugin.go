// Package testplugin is a stand-in plugin for the sdk's external tests. It
// declares and registers into extension points from a package other than
// the one that calls it, so that the tests can check that the sdk attributes
// declarations and registrations to the package whose code made them.
package testplugin

import (
	"sync"

	"github.com/weldgo/weld/sdk"
)

// Path is this package's import path, which the sdk must report for every
// declaration and registration made below.
const Path = "github.com/weldgo/weld/sdk/internal/testplugin"

// Greetings is declared while this package initialises.
var Greetings = sdk.NewPoint[string]("sdk.internal.testplugin.greetings")

// InitName is the name that init registers into Greetings.
const InitName = "testplugin"

func init() {
	Greetings.Register(InitName, "hello from testplugin")
}

// Declare declares a point named name from this package.
func Declare(name string) *sdk.Point[string] {
	return sdk.NewPoint[string](name)
}

// Register registers v under name into p from this package. It is small
// enough to be inlined into its caller, which must not change the
// attribution.
func Register(p *sdk.Point[string], name, v string) {
	p.Register(name, v)
}

// RegisterInClosure registers from a function literal of this package.
func RegisterInClosure(p *sdk.Point[string], name, v string) {
	func() { p.Register(name, v) }()
}

// RegisterGeneric registers from a generic function of this package,
// instantiated by the caller.
func RegisterGeneric[T any](p *sdk.Point[T], name string, v T) {
	p.Register(name, v)
}

// Installer registers from a method.
type Installer struct{ Value string }

// Install registers i.Value under name into p.
func (i *Installer) Install(p *sdk.Point[string], name string) {
	p.Register(name, i.Value)
}

// RegisterOnce registers from a function literal that sync.Once calls, so
// that package sync's frames lie between the literal and this package's
// function.
func RegisterOnce(p *sdk.Point[string], name, v string) {
	var once sync.Once
	once.Do(func() { p.Register(name, v) })
}

// RegisterDeferred registers from a deferred function literal.
func RegisterDeferred(p *sdk.Point[string], name, v string) {
	defer func() { p.Register(name, v) }()
}

// RegisterInGoroutine registers from a function literal run on a goroutine
// of its own, whose stack holds nothing else of this package.
func RegisterInGoroutine(p *sdk.Point[string], name, v string) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Register(name, v)
	}()
	<-done
}

// Registerer returns a function literal that registers when called.
func Registerer(p *sdk.Point[string], name, v string) func() {
	return func() { p.Register(name, v) }
}
