// Command weld composes a Go application and plugins that are separate Go
// modules into one binary. See https://github.com/weldgo/weld.
package main

import (
	"os"

	"github.com/weldgo/weld/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
