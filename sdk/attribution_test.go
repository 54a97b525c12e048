package sdk_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/weldgo/weld/sdk"
	dotted "github.com/weldgo/weld/sdk/internal/dotted.v2"
	"github.com/weldgo/weld/sdk/internal/testplugin"
)

// thisPackage is the import path under which the sdk sees code in this
// external test package.
const thisPackage = "github.com/weldgo/weld/sdk_test"

var pointSeq atomic.Int64

func pointName(t *testing.T) string {
	return fmt.Sprintf("sdk_test.%s.%d", t.Name(), pointSeq.Add(1))
}

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

func TestRegistrationFromInitNamesPlugin(t *testing.T) {
	all := testplugin.Greetings.All()
	want := []sdk.Registration[string]{{
		Name: testplugin.InitName, Value: "hello from testplugin", Package: testplugin.Path,
	}}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("Greetings.All() = %+v, want %+v", all, want)
	}
}

func TestRegistrationPackageNamesCallingPackage(t *testing.T) {
	p := sdk.NewPoint[string](pointName(t))
	p.Register("from-test", "t")
	testplugin.Register(p, "from-plugin", "p")
	testplugin.RegisterGeneric(p, "from-plugin-generic", "g")
	(&testplugin.Installer{Value: "m"}).Install(p, "from-plugin-method")
	// A function value of the plugin called from here still runs the
	// plugin's code.
	reg := testplugin.Register
	reg(p, "from-plugin-func-value", "v")
	// Function literals of the plugin, called in several ways. The plugin's
	// functions are small enough to be inlined here, which renames their
	// literals after this package's functions (golang.org/issue/60324).
	testplugin.RegisterInClosure(p, "from-plugin-closure", "c")
	testplugin.RegisterOnce(p, "from-plugin-once", "o")
	testplugin.RegisterDeferred(p, "from-plugin-defer", "d")
	testplugin.RegisterInGoroutine(p, "from-plugin-goroutine", "g")

	// Calls from here that go through compiler-generated wrappers.
	func() { p.Register("from-test-closure", "tc") }()
	methodValue := p.Register
	methodValue("from-test-method-value", "mv")
	(*sdk.Point[string]).Register(p, "from-test-method-expr", "me")
	var r registerer = p
	r.Register("from-test-interface", "i")
	r = embedder{p}
	r.Register("from-test-embedded", "e")
	embedder{p}.Register("from-test-promoted", "pr")

	want := map[string]string{
		"from-test":              thisPackage,
		"from-test-closure":      thisPackage,
		"from-test-method-value": thisPackage,
		"from-test-method-expr":  thisPackage,
		"from-test-interface":    thisPackage,
		"from-test-embedded":     thisPackage,
		"from-test-promoted":     thisPackage,
		"from-plugin":            testplugin.Path,
		"from-plugin-closure":    testplugin.Path,
		"from-plugin-once":       testplugin.Path,
		"from-plugin-defer":      testplugin.Path,
		"from-plugin-goroutine":  testplugin.Path,
		"from-plugin-generic":    testplugin.Path,
		"from-plugin-method":     testplugin.Path,
		"from-plugin-func-value": testplugin.Path,
	}
	all := p.All()
	if len(all) != len(want) {
		t.Fatalf("%d registrations, want %d", len(all), len(want))
	}
	for _, r := range all {
		if r.Package != want[r.Name] {
			t.Errorf("registration %q: Package = %q, want %q", r.Name, r.Package, want[r.Name])
		}
	}
}

type registerer interface{ Register(name, v string) }

type embedder struct{ *sdk.Point[string] }

func TestRegistrationPackageWithDotInLastElement(t *testing.T) {
	p := sdk.NewPoint[int](pointName(t))
	dotted.Register(p, "func", 1)
	(&dotted.Registrar{}).Register(p, "method", 2)
	for _, r := range p.All() {
		if r.Package != dotted.Path {
			t.Errorf("registration %q: Package = %q, want %q", r.Name, r.Package, dotted.Path)
		}
	}
	msg := panicMessage(t, func() { p.Register("func", 3) })
	want := fmt.Sprintf("by %s and by %s", dotted.Path, thisPackage)
	if !strings.Contains(msg, want) {
		t.Errorf("panic %q does not contain %q", msg, want)
	}
}

func TestRegisterTwiceNamesBothPackages(t *testing.T) {
	name := pointName(t)
	p := sdk.NewPoint[string](name)

	// Plugin first, then this package.
	testplugin.Register(p, "a", "plugin")
	msg := panicMessage(t, func() { p.Register("a", "test") })
	want := fmt.Sprintf("%q registered twice into extension point %q: by %s and by %s",
		"a", name, testplugin.Path, thisPackage)
	if msg != "sdk: "+want {
		t.Errorf("panic %q\nwant %q", msg, "sdk: "+want)
	}

	// This package first, then the plugin.
	p.Register("b", "test")
	msg = panicMessage(t, func() { testplugin.Register(p, "b", "plugin") })
	want = fmt.Sprintf("by %s and by %s", thisPackage, testplugin.Path)
	if !strings.Contains(msg, want) {
		t.Errorf("panic %q does not contain %q", msg, want)
	}

	// Both registrations from the plugin, through different functions.
	testplugin.RegisterGeneric(p, "c", "generic")
	msg = panicMessage(t, func() { (&testplugin.Installer{Value: "m"}).Install(p, "c") })
	want = fmt.Sprintf("by %s and by %s", testplugin.Path, testplugin.Path)
	if !strings.Contains(msg, want) {
		t.Errorf("panic %q does not contain %q", msg, want)
	}

	// The first registration of each name wins.
	for name, want := range map[string]string{"a": "plugin", "b": "test", "c": "generic"} {
		if v, ok := p.Get(name); !ok || v != want {
			t.Errorf("Get(%q) = %q, %v; want %q, true", name, v, ok, want)
		}
	}
}

func TestRegisterEmptyNameNamesCaller(t *testing.T) {
	p := sdk.NewPoint[string](pointName(t))
	msg := panicMessage(t, func() { testplugin.Register(p, "", "x") })
	if want := "by " + testplugin.Path; !strings.Contains(msg, want) {
		t.Errorf("panic %q does not contain %q", msg, want)
	}
}

func TestNewPointTwiceNamesBothDeclaringPackages(t *testing.T) {
	name := pointName(t)
	testplugin.Declare(name)
	msg := panicMessage(t, func() { sdk.NewPoint[int](name) })
	want := fmt.Sprintf("sdk: extension point %q declared twice: by %s and by %s", name, testplugin.Path, thisPackage)
	if msg != want {
		t.Errorf("panic %q\nwant %q", msg, want)
	}

	name = pointName(t)
	sdk.NewPoint[int](name)
	msg = panicMessage(t, func() { dotted.Declare(name) })
	want = fmt.Sprintf("by %s and by %s", thisPackage, dotted.Path)
	if !strings.Contains(msg, want) {
		t.Errorf("panic %q does not contain %q", msg, want)
	}

	// A point declared while a package initialises is taken too.
	msg = panicMessage(t, func() { sdk.NewPoint[string](testplugin.Greetings.Name()) })
	want = fmt.Sprintf("by %s and by %s", testplugin.Path, thisPackage)
	if !strings.Contains(msg, want) {
		t.Errorf("panic %q does not contain %q", msg, want)
	}
}

func TestConcurrentRegistrationFromTwoPackages(t *testing.T) {
	p := sdk.NewPoint[string](pointName(t))
	const n = 100
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < n; i++ {
			testplugin.Register(p, fmt.Sprintf("plugin-%03d", i), "p")
		}
	}()
	for i := 0; i < n; i++ {
		p.Register(fmt.Sprintf("test-%03d", i), "t")
		_ = p.All()
		_, _ = p.Get(fmt.Sprintf("plugin-%03d", i))
	}
	<-done

	all := p.All()
	if len(all) != 2*n {
		t.Fatalf("%d registrations, want %d", len(all), 2*n)
	}
	for i, r := range all {
		want := testplugin.Path
		if i >= n {
			want = thisPackage
		}
		if r.Package != want {
			t.Errorf("All()[%d] = %+v, want Package %q", i, r, want)
		}
	}
}
