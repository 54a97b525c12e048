// Command pureprog is plain Go: static on Linux, only system DLLs on
// Windows.
package main

import (
	"fmt"
	"runtime"
)

func main() { fmt.Println("pure go on", runtime.GOOS, runtime.GOARCH) }
