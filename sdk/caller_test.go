package sdk

import (
	"runtime"
	"testing"
)

func TestPackageOfFunc(t *testing.T) {
	tests := []struct {
		full, want string
	}{
		// Plain functions, init functions and methods.
		{"example.com/a/b.F", "example.com/a/b"},
		{"example.com/a/b.init", "example.com/a/b"},
		{"example.com/a/b.init.0", "example.com/a/b"},
		{"example.com/a/b.init.12", "example.com/a/b"},
		{"example.com/a/b.(*T).M", "example.com/a/b"},
		{"example.com/a/b.T.M", "example.com/a/b"},
		{"example.com/a/b.(*T).M-fm", "example.com/a/b"},

		// Packages without a slash.
		{"main.main", "main"},
		{"main.init.0", "main"},
		{"main.(*T).M", "main"},
		{"fmt.Println", "fmt"},

		// Dots in path elements before the last slash are part of the path.
		{"example.com/a.b/c.F", "example.com/a.b/c"},
		{"example.com/a.b/c.(*T).M", "example.com/a.b/c"},
		{"gopkg.in/a.b.c/d.init.0", "gopkg.in/a.b.c/d"},

		// Closures.
		{"example.com/a/b.F.func1", "example.com/a/b"},
		{"example.com/a/b.F.func1.2", "example.com/a/b"},
		{"example.com/a/b.init.0.func1", "example.com/a/b"},
		{"example.com/a/b.glob..func1", "example.com/a/b"},
		{"example.com/a/b.(*T).M.func1", "example.com/a/b"},

		// Generic instantiations, as the runtime prints them.
		{"example.com/a/b.F[...]", "example.com/a/b"},
		{"example.com/a/b.F[...].func1", "example.com/a/b"},
		{"example.com/a/b.(*T[...]).M", "example.com/a/b"},
		{"example.com/a/b.T[...].M", "example.com/a/b"},
		{"main.F[...]", "main"},
		// Type arguments spelled out may contain slashes and dots.
		{"example.com/a/b.F[go.shape.*example.com/c/d.T]", "example.com/a/b"},
		{"example.com/a/b.(*T[example.com/c.d/e.U]).M", "example.com/a/b"},
		{"main.F[example.com/c/d.T]", "main"},

		// The toolchain escapes dots (and some other bytes) in the last
		// path element: the import path is reported unescaped.
		{"gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml.v3"},
		{"gopkg.in/yaml%2ev3.(*parser).parse", "gopkg.in/yaml.v3"},
		{"example.com/a.b/c%2ed%2ee.init.0", "example.com/a.b/c.d.e"},
		{"example.com/m%2eV2.F[...]", "example.com/m.V2"},
		{"example.com/a%25b.F", "example.com/a%b"},
		{"example.com/caf%c3%a9.F", "example.com/café"},
		// A '%' that starts no escape is kept.
		{"example.com/a%zzb.F", "example.com/a%zzb"},
		{"example.com/a%2.F", "example.com/a%2"},

		// Degenerate input.
		{"", ""},
		{"nodot", "nodot"},
		{"example.com/a/b", "example.com/a/b"},
	}
	for _, tt := range tests {
		if got := packageOfFunc(tt.full); got != tt.want {
			t.Errorf("packageOfFunc(%q) = %q, want %q", tt.full, got, tt.want)
		}
	}
}

func TestPackageOfFuncMatchesRuntime(t *testing.T) {
	pc, _, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("runtime.Caller failed")
	}
	name := runtime.FuncForPC(pc).Name()
	if got := packageOfFunc(name); got != thisPackage {
		t.Errorf("packageOfFunc(%q) = %q, want %q", name, got, thisPackage)
	}
}

func TestCallerPackage(t *testing.T) {
	// Skip 1 is the function that calls callerPackage.
	if got := callerPackage(1); got != thisPackage {
		t.Errorf("callerPackage(1) = %q, want %q", got, thisPackage)
	}
	// The test function is called by package testing.
	if got := callerPackage(2); got != "testing" {
		t.Errorf("callerPackage(2) = %q, want %q", got, "testing")
	}
	if got := callerPackage(1000); got != "(unknown package)" {
		t.Errorf("callerPackage(1000) = %q, want %q", got, "(unknown package)")
	}
}

func TestIsFuncLiteral(t *testing.T) {
	tests := []struct {
		full string
		want bool
	}{
		{"example.com/a/b.F.func1", true},
		{"example.com/a/b.F.func12", true},
		{"example.com/a/b.F.func1.2", true},
		{"example.com/a/b.F.func1.func2", true},
		{"example.com/a/b.glob..func1", true},
		{"example.com/a/b.init.0.func1", true},
		{"example.com/a/b.(*T).M.func1", true},
		{"example.com/a/b.F[...].func1", true},
		{"example.com/a/b.F.gowrap1", true},
		{"example.com/a/b.F.deferwrap2", true},
		{"example.com/a/b.F-range1", true},
		{"example.com/a/b.F.func1-range2", true},
		{"main.main.func1", true},
		// A literal renamed by cross-package inlining.
		{"example.com/app.main.Register.func1", true},
		{"gopkg.in/yaml%2ev3.F.func1", true},

		{"example.com/a/b.F", false},
		{"example.com/a/b.init", false},
		{"example.com/a/b.init.0", false},
		{"example.com/a/b.(*T).M", false},
		{"example.com/a/b.T.M", false},
		{"example.com/a/b.(*T).M-fm", false},
		{"example.com/a/b.F[...]", false},
		{"example.com/a/b.(*T[...]).M", false},
		{"example.com/a/b.F[go.shape.func1]", false},
		{"example.com/a/b.function1", false},
		{"example.com/a/b.F.func", false},
		{"example.com/a/b.F.funcX", false},
		{"example.com/func1/b.F", false},
		{"example.com/a.func1/b.F", false},
		{"gopkg.in/yaml%2ev3.F", false},
		{"main.main", false},
	}
	for _, tt := range tests {
		if got := isFuncLiteral(tt.full); got != tt.want {
			t.Errorf("isFuncLiteral(%q) = %v, want %v", tt.full, got, tt.want)
		}
	}
}

// The tests of package sdk_test check, with a plugin package, that
// callerPackage sees through function literals that the compiler renamed
// after inlining them into another package. These check that it returns
// the literal's own package when nothing was renamed.
func TestCallerPackageInFuncLiterals(t *testing.T) {
	check := func(what, got string) {
		t.Helper()
		if got != thisPackage {
			t.Errorf("%s: callerPackage(1) = %q, want %q", what, got, thisPackage)
		}
	}
	check("literal", func() string { return callerPackage(1) }())
	check("nested literal", func() string { return func() string { return callerPackage(1) }() }())
	c := make(chan string)
	go func() { c <- callerPackage(1) }()
	check("goroutine", <-c)
	var deferred string
	func() { defer func() { deferred = callerPackage(1) }() }()
	check("deferred literal", deferred)
	check("literal outliving its function", makeLiteral()())
}

//go:noinline
func makeLiteral() func() string { return func() string { return callerPackage(1) } }
