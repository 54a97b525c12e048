package sdk

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Point is a typed extension point: a named registry of values of type T
// that plugins fill from their init functions and the application reads.
// A Point is safe for concurrent use.
type Point[T any] struct {
	name string

	mu      sync.RWMutex
	entries map[string]Registration[T]
}

// Registration is one value registered into a Point.
type Registration[T any] struct {
	// Name is the name the value was registered under.
	Name string
	// Value is the registered value.
	Value T
	// Package is the import path of the package that called Register.
	Package string
}

var (
	pointsMu sync.Mutex
	points   = map[string]string{} // point name → declaring package
)

// NewPoint declares an extension point. The name identifies the point in
// error messages and should be unique within a binary, for example
// "imgserver.painter". Declaring the same name twice panics, naming both
// declaring packages, because two points with one name would make
// registrations ambiguous.
func NewPoint[T any](name string) *Point[T] {
	if name == "" {
		panic("sdk.NewPoint: empty extension point name")
	}
	caller := callerPackage(2)
	pointsMu.Lock()
	defer pointsMu.Unlock()
	if prev, ok := points[name]; ok {
		panic(fmt.Sprintf("sdk: extension point %q declared twice: by %s and by %s", name, prev, caller))
	}
	points[name] = caller
	return &Point[T]{name: name, entries: map[string]Registration[T]{}}
}

// Name returns the point's name.
func (p *Point[T]) Name() string { return p.name }

// Register adds v under name. Registering a name twice panics with a message
// that names both registering packages: two plugins claiming one name is a
// composition mistake that must surface at start-up, not as a silent
// override.
func (p *Point[T]) Register(name string, v T) {
	if name == "" {
		panic(fmt.Sprintf("sdk: empty name registered into extension point %q by %s", p.name, callerPackage(2)))
	}
	caller := callerPackage(2)
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev, ok := p.entries[name]; ok {
		panic(fmt.Sprintf("sdk: %q registered twice into extension point %q: by %s and by %s",
			name, p.name, prev.Package, caller))
	}
	p.entries[name] = Registration[T]{Name: name, Value: v, Package: caller}
}

// Get returns the value registered under name.
func (p *Point[T]) Get(name string) (T, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	r, ok := p.entries[name]
	return r.Value, ok
}

// All returns every registration, sorted by name, so that the order does not
// depend on package initialisation order.
func (p *Point[T]) All() []Registration[T] {
	p.mu.RLock()
	all := make([]Registration[T], 0, len(p.entries))
	for _, r := range p.entries {
		all = append(all, r)
	}
	p.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// Names returns the registered names in order.
func (p *Point[T]) Names() []string {
	all := p.All()
	names := make([]string, len(all))
	for i, r := range all {
		names[i] = r.Name
	}
	return names
}

// callerPackage returns the import path of the package whose code is skip
// frames up the stack (skip 1 is the caller of callerPackage).
//
// A function's name names its package, even when the function was inlined,
// except for a function literal: when the function that contains it is
// inlined into another package, the compiler renames the literal after the
// function it was inlined into (golang.org/issue/60324), so that a closure of
// package plugin, inlined into package app, is named "app.F.G.func1". The
// literal's source file does not change, though, and a file belongs to one
// package, so for a function literal callerPackage looks further up the
// stack for a named function from the same file. When it finds none, for
// example because the literal outlived the function that created it, it
// falls back to the literal's name.
func callerPackage(skip int) string {
	const unknown = "(unknown package)"
	var pcs [64]uintptr
	n := runtime.Callers(skip+1, pcs[:])
	if n == 0 {
		return unknown
	}
	frames := runtime.CallersFrames(pcs[:n])
	caller, more := frames.Next()
	if caller.Function == "" {
		return unknown
	}
	pkg := packageOfFunc(caller.Function)
	if !isFuncLiteral(caller.Function) || caller.File == "" {
		return pkg
	}
	for more {
		var f runtime.Frame
		f, more = frames.Next()
		if f.File == caller.File && f.Function != "" && !isFuncLiteral(f.Function) {
			return packageOfFunc(f.Function)
		}
	}
	return pkg
}

// isFuncLiteral reports whether the fully qualified function name full looks
// like a name that the compiler made up for a function literal or a go or
// defer wrapper, such as "p.F.func1", "p.glob..func1", "p.F.func1.2",
// "p.F.gowrap1", "p.F.deferwrap1" or "p.F-range1". Mistaking a named
// function for a literal only costs callerPackage a walk up the stack.
func isFuncLiteral(full string) bool {
	fn := full[len(packagePart(full)):]
	if i := strings.IndexByte(fn, '['); i >= 0 {
		// Drop type arguments, keeping what follows them: "F[...].func1".
		if j := strings.LastIndexByte(fn, ']'); j > i {
			fn = fn[:i] + fn[j+1:]
		}
	}
	for _, part := range strings.Split(strings.TrimPrefix(fn, "."), ".") {
		if part == "" || strings.Contains(part, "-range") {
			return true
		}
		for _, prefix := range []string{"func", "gowrap", "deferwrap"} {
			if n, ok := strings.CutPrefix(part, prefix); ok && n != "" && strings.Trim(n, "0123456789") == "" {
				return true
			}
		}
	}
	return false
}

// packageOfFunc strips the function part from a fully qualified function
// name such as "example.com/a/b.init.0" or "example.com/a/b.(*T).M" and
// returns the import path.
//
// The toolchain escapes some bytes of an import path in symbol names: every
// '.' after the last '/' (and '%', '"', spaces, control and non-ASCII bytes)
// is written as %xx, so the function F in "gopkg.in/yaml.v3" is named
// "gopkg.in/yaml%2ev3.F". The first '.' after the last '/' therefore always
// ends the import path, and the escapes are undone afterwards.
func packageOfFunc(full string) string {
	return unescapePath(packagePart(full))
}

// packagePart returns the still escaped import path at the start of the
// fully qualified function name full.
func packagePart(full string) string {
	name := full
	// The runtime prints type arguments as "[...]", but an import path
	// never contains '[', so cutting there keeps slashes or dots inside
	// type arguments from being mistaken for part of the path.
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	lastSlash := strings.LastIndexByte(name, '/')
	if dot := strings.IndexByte(name[lastSlash+1:], '.'); dot >= 0 {
		return name[:lastSlash+1+dot]
	}
	return name
}

// unescapePath undoes the %xx escaping that the toolchain applies to import
// paths in symbol names. A '%' that does not start a valid escape is kept.
func unescapePath(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b = append(b, hi<<4|lo)
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
