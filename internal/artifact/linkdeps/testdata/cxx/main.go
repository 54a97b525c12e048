// Command cxxprog has a C++ file, so that a Windows build with mingw-w64
// imports libstdc++-6.dll and libgcc_s_seh-1.dll (and, with the posix
// thread model, libwinpthread-1.dll through them).
package main

// extern int cxx_sum(int n);
// extern const char *cxx_name(void);
import "C"

import "fmt"

func main() {
	fmt.Printf("cxx sum=%d name=%s\n", C.cxx_sum(10), C.GoString(C.cxx_name()))
}
