package sdk

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// thisPackage is the import path that the sdk must report for declarations
// and registrations made by code in this (internal) test package.
const thisPackage = "github.com/weldgo/weld/sdk"

var pointSeq atomic.Int64

// pointName returns a point name that no other test, and no other run of
// this test (go test -count=N), has declared: point names are global to the
// binary.
func pointName(t *testing.T) string {
	return fmt.Sprintf("sdk.test.%s.%d", t.Name(), pointSeq.Add(1))
}

// panicMessage runs f and returns what it panicked with, failing the test
// when f returns normally.
func panicMessage(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("did not panic")
		}
		msg = fmt.Sprint(r)
	}()
	f()
	return ""
}

// withinDeadline fails the test when f does not return in time, which is
// how a lock left held by a panic shows up.
func withinDeadline(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not return: is a lock still held?", what)
	}
}

func TestNewPointName(t *testing.T) {
	name := pointName(t)
	p := NewPoint[int](name)
	if p == nil {
		t.Fatal("NewPoint returned nil")
	}
	if got := p.Name(); got != name {
		t.Errorf("Name() = %q, want %q", got, name)
	}
	if got := p.All(); got == nil || len(got) != 0 {
		t.Errorf("All() on a new point = %#v, want an empty non-nil slice", got)
	}
	if got := p.Names(); got == nil || len(got) != 0 {
		t.Errorf("Names() on a new point = %#v, want an empty non-nil slice", got)
	}
}

func TestNewPointEmptyNamePanics(t *testing.T) {
	msg := panicMessage(t, func() { NewPoint[int]("") })
	if !strings.Contains(msg, "empty extension point name") {
		t.Errorf("panic %q does not say the name is empty", msg)
	}
}

func TestNewPointTwicePanicsNamingBothPackages(t *testing.T) {
	name := pointName(t)
	NewPoint[int](name)
	// A second declaration panics even with another value type.
	msg := panicMessage(t, func() { NewPoint[string](name) })
	want := fmt.Sprintf("extension point %q declared twice: by %s and by %s", name, thisPackage, thisPackage)
	if !strings.Contains(msg, want) {
		t.Errorf("panic %q\ndoes not contain %q", msg, want)
	}
	// The registry lock is released by the panic.
	withinDeadline(t, "NewPoint after a panic", func() { NewPoint[int](pointName(t)) })
}

func TestRegisterGet(t *testing.T) {
	p := NewPoint[int](pointName(t))
	p.Register("one", 1)
	p.Register("two", 2)
	for name, want := range map[string]int{"one": 1, "two": 2} {
		got, ok := p.Get(name)
		if !ok || got != want {
			t.Errorf("Get(%q) = %d, %v; want %d, true", name, got, ok, want)
		}
	}
	if got, ok := p.Get("three"); ok || got != 0 {
		t.Errorf("Get of an unregistered name = %d, %v; want 0, false", got, ok)
	}
	if got, ok := p.Get(""); ok || got != 0 {
		t.Errorf("Get(\"\") = %d, %v; want 0, false", got, ok)
	}
}

func TestGetReturnsZeroValueOfT(t *testing.T) {
	p := NewPoint[*strings.Builder](pointName(t))
	if v, ok := p.Get("missing"); ok || v != nil {
		t.Errorf("Get = %v, %v; want nil, false", v, ok)
	}
	// A registered zero value is still found.
	p.Register("nil", nil)
	if v, ok := p.Get("nil"); !ok || v != nil {
		t.Errorf("Get of a registered nil = %v, %v; want nil, true", v, ok)
	}
}

func TestAllSortedRegardlessOfRegistrationOrder(t *testing.T) {
	names := []string{"zeta", "alpha", "Beta", "m", "alpha2", "a", "_", "10", "9", "é"}
	want := slices.Clone(names)
	sort.Strings(want)

	orders := [][]string{names, want, reversed(want)}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		o := slices.Clone(names)
		rng.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		orders = append(orders, o)
	}
	for _, order := range orders {
		p := NewPoint[string](pointName(t))
		for _, n := range order {
			p.Register(n, "value of "+n)
		}
		if got := p.Names(); !reflect.DeepEqual(got, want) {
			t.Fatalf("registered in order %q: Names() = %q, want %q", order, got, want)
		}
		all := p.All()
		if len(all) != len(want) {
			t.Fatalf("All() has %d entries, want %d", len(all), len(want))
		}
		for i, r := range all {
			w := Registration[string]{Name: want[i], Value: "value of " + want[i], Package: thisPackage}
			if r != w {
				t.Errorf("All()[%d] = %+v, want %+v", i, r, w)
			}
		}
	}
}

func reversed(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

func TestAllReturnsACopy(t *testing.T) {
	p := NewPoint[int](pointName(t))
	p.Register("a", 1)
	p.Register("b", 2)
	all := p.All()
	all[0].Value = 100
	all[0].Name = "changed"
	names := p.Names()
	names[1] = "changed"
	if v, _ := p.Get("a"); v != 1 {
		t.Errorf("changing All()'s result changed the point: Get(\"a\") = %d", v)
	}
	if got := p.Names(); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Names() after changing earlier results = %q", got)
	}
}

func TestRegistrationPackageIsCaller(t *testing.T) {
	p := NewPoint[int](pointName(t))
	p.Register("direct", 1)
	func() { p.Register("closure", 2) }()
	done := make(chan struct{})
	go func() { defer close(done); p.Register("goroutine", 3) }()
	<-done
	func() { defer p.Register("deferred", 4) }()
	registerFromGeneric(p, "generic", 5)
	(&registrar{}).register(p, "method", 6)

	for _, r := range p.All() {
		if r.Package != thisPackage {
			t.Errorf("registration %q: Package = %q, want %q", r.Name, r.Package, thisPackage)
		}
	}
	if n := len(p.All()); n != 6 {
		t.Errorf("%d registrations, want 6", n)
	}
}

func registerFromGeneric[T any](p *Point[T], name string, v T) { p.Register(name, v) }

type registrar struct{}

func (*registrar) register(p *Point[int], name string, v int) { p.Register(name, v) }

func TestRegisterTwicePanics(t *testing.T) {
	name := pointName(t)
	p := NewPoint[int](name)
	p.Register("dup", 1)
	msg := panicMessage(t, func() { p.Register("dup", 2) })
	want := fmt.Sprintf("%q registered twice into extension point %q: by %s and by %s",
		"dup", name, thisPackage, thisPackage)
	if !strings.Contains(msg, want) {
		t.Errorf("panic %q\ndoes not contain %q", msg, want)
	}
	// The first registration survives and the point stays usable.
	if v, ok := p.Get("dup"); !ok || v != 1 {
		t.Errorf("after the panic Get(\"dup\") = %d, %v; want 1, true", v, ok)
	}
	withinDeadline(t, "Register after a panic", func() { p.Register("other", 3) })
	if got := p.Names(); !reflect.DeepEqual(got, []string{"dup", "other"}) {
		t.Errorf("Names() = %q", got)
	}
}

func TestRegisterEmptyNamePanics(t *testing.T) {
	name := pointName(t)
	p := NewPoint[int](name)
	msg := panicMessage(t, func() { p.Register("", 1) })
	for _, want := range []string{"empty name", fmt.Sprintf("%q", name), "by " + thisPackage} {
		if !strings.Contains(msg, want) {
			t.Errorf("panic %q does not contain %q", msg, want)
		}
	}
	if n := len(p.All()); n != 0 {
		t.Errorf("the empty name was registered anyway: %d registrations", n)
	}
}

func TestConcurrentRegisterAndRead(t *testing.T) {
	p := NewPoint[int](pointName(t))
	const writers, perWriter, readers = 8, 50, 4

	stop := make(chan struct{})
	readersDone := make(chan struct{}, readers)
	for r := 0; r < readers; r++ {
		go func() {
			defer func() { readersDone <- struct{}{} }()
			for {
				select {
				case <-stop:
					return
				default:
				}
				all := p.All()
				if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Name < all[j].Name }) {
					t.Error("All() not sorted during concurrent registration")
					return
				}
				for _, reg := range all {
					if v, ok := p.Get(reg.Name); !ok || v != reg.Value {
						t.Errorf("Get(%q) = %d, %v; want %d, true", reg.Name, v, ok, reg.Value)
						return
					}
				}
				_ = p.Names()
			}
		}()
	}

	writersDone := make(chan struct{}, writers)
	for w := 0; w < writers; w++ {
		go func() {
			defer func() { writersDone <- struct{}{} }()
			for i := 0; i < perWriter; i++ {
				p.Register(fmt.Sprintf("w%02d-%03d", w, i), w*1000+i)
			}
		}()
	}
	for w := 0; w < writers; w++ {
		<-writersDone
	}
	close(stop)
	for r := 0; r < readers; r++ {
		<-readersDone
	}

	all := p.All()
	if len(all) != writers*perWriter {
		t.Fatalf("%d registrations, want %d", len(all), writers*perWriter)
	}
	for w := 0; w < writers; w++ {
		for i := 0; i < perWriter; i++ {
			r := all[w*perWriter+i]
			want := Registration[int]{Name: fmt.Sprintf("w%02d-%03d", w, i), Value: w*1000 + i, Package: thisPackage}
			if r != want {
				t.Fatalf("All()[%d] = %+v, want %+v", w*perWriter+i, r, want)
			}
		}
	}
}

func TestConcurrentDuplicateRegisterOneWins(t *testing.T) {
	p := NewPoint[int](pointName(t))
	const n = 16
	results := make(chan bool, n) // true: registered, false: panicked
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() {
			ok := false
			defer func() {
				if r := recover(); r != nil && !strings.Contains(fmt.Sprint(r), "registered twice") {
					t.Errorf("unexpected panic %v", r)
				}
				results <- ok
			}()
			<-start
			p.Register("same", i)
			ok = true
		}()
	}
	close(start)
	wins := 0
	for i := 0; i < n; i++ {
		if <-results {
			wins++
		}
	}
	if wins != 1 {
		t.Errorf("%d goroutines registered the same name, want exactly 1", wins)
	}
}

func TestConcurrentNewPointOneWins(t *testing.T) {
	name := pointName(t)
	const n = 16
	results := make(chan *Point[int], n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() {
			var p *Point[int]
			defer func() {
				if r := recover(); r != nil && !strings.Contains(fmt.Sprint(r), "declared twice") {
					t.Errorf("unexpected panic %v", r)
				}
				results <- p
			}()
			<-start
			p = NewPoint[int](name)
		}()
	}
	close(start)
	wins := 0
	for i := 0; i < n; i++ {
		if p := <-results; p != nil {
			wins++
		}
	}
	if wins != 1 {
		t.Errorf("%d goroutines declared the same point, want exactly 1", wins)
	}
}
