package sdk_test

import (
	"fmt"
	"strings"

	"github.com/weldgo/weld/sdk"
)

// Greeter is the kind of value that plugins register into Greeters.
type Greeter func(name string) string

// Greeters is an extension point, declared once at package level.
var Greeters = sdk.NewPoint[Greeter]("example.greeter")

// Plugins register from their init functions; the order does not matter.
func init() {
	Greeters.Register("shout", func(name string) string { return strings.ToUpper("hello, " + name) })
	Greeters.Register("polite", func(name string) string { return "good day, " + name })
}

func ExamplePoint() {
	for _, r := range Greeters.All() {
		fmt.Printf("%s (%s): %s\n", r.Name, r.Package, r.Value("gopher"))
	}
	// Output:
	// polite (github.com/weldgo/weld/sdk_test): good day, gopher
	// shout (github.com/weldgo/weld/sdk_test): HELLO, GOPHER
}

func ExampleParseComposition() {
	c, err := sdk.ParseComposition(`weld.composition/v1
name imgserver
app example.com/imgserver v1.4.0
main example.com/imgserver/cmd/imgserver
plugin example.com/painters v0.3.1 example.com/painters/frame
end
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Name, c.App.Path, c.App.Version)
	for _, p := range c.Plugins {
		fmt.Println(p.Package, p.Module.Version)
	}
	// Output:
	// imgserver example.com/imgserver v1.4.0
	// example.com/painters/frame v0.3.1
}
