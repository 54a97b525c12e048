// Command zlibprog links against the system zlib through cgo, so that
// its ELF needs libz.so.1 besides libc.so.6.
package main

// #cgo LDFLAGS: -lz
// #include <stdlib.h>
// #include <zlib.h>
// static unsigned long crc(const char *s, unsigned n) { return crc32(0L, (const Bytef *)s, n); }
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	s := "weld"
	p := C.CString(s)
	defer C.free(unsafe.Pointer(p))
	fmt.Printf("zlib %s crc32=%08x\n", C.GoString(C.zlibVersion()), uint32(C.crc(p, C.uint(len(s)))))
}
