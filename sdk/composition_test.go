package sdk

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// record joins lines into a composition record the way weld writes one.
func record(lines ...string) string {
	return strings.Join(lines, "\n") + "\n"
}

const (
	appLine    = "app example.com/app v1.2.3"
	pluginLine = "plugin example.com/plug v0.1.0 example.com/plug/paint"
)

var (
	app    = Module{Path: "example.com/app", Version: "v1.2.3"}
	plugin = Plugin{Module: Module{Path: "example.com/plug", Version: "v0.1.0"}, Package: "example.com/plug/paint"}
)

func TestParseCompositionValid(t *testing.T) {
	tests := []struct {
		name   string
		record string
		want   Composition
	}{{
		name:   "app only",
		record: record(compositionMagic, appLine, "end"),
		want:   Composition{App: app},
	}, {
		name:   "no trailing newline",
		record: compositionMagic + "\n" + appLine + "\nend",
		want:   Composition{App: app},
	}, {
		name: "main and plugins",
		record: record(compositionMagic,
			"name imgserver",
			"app example.com/img (local)",
			"main example.com/img/cmd/imgserver",
			"plugin example.com/p1 v1.0.0 example.com/p1",
			"plugin example.com/p2 (local) example.com/p2/sub",
			"plugin example.com/p1 v1.0.0 example.com/p1/other",
			"end"),
		want: Composition{
			Name: "imgserver",
			App:  Module{Path: "example.com/img", Version: "(local)"},
			Main: "example.com/img/cmd/imgserver",
			Plugins: []Plugin{
				{Module: Module{Path: "example.com/p1", Version: "v1.0.0"}, Package: "example.com/p1"},
				{Module: Module{Path: "example.com/p2", Version: "(local)"}, Package: "example.com/p2/sub"},
				{Module: Module{Path: "example.com/p1", Version: "v1.0.0"}, Package: "example.com/p1/other"},
			},
		},
	}, {
		name:   "entry",
		record: record(compositionMagic, "name srv", appLine, "entry example.com/app/server.Run", pluginLine, "end"),
		want:   Composition{Name: "srv", App: app, Entry: "example.com/app/server.Run", Plugins: []Plugin{plugin}},
	}, {
		name:   "lines in another order",
		record: record(compositionMagic, pluginLine, "main example.com/app/cmd", appLine, "name x", "end"),
		want:   Composition{Name: "x", App: app, Main: "example.com/app/cmd", Plugins: []Plugin{plugin}},
	}, {
		name:   "pseudo-version",
		record: record(compositionMagic, "app example.com/app v0.0.0-20240101000000-abcdefabcdef", "end"),
		want:   Composition{App: Module{Path: "example.com/app", Version: "v0.0.0-20240101000000-abcdefabcdef"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseComposition(tt.record)
			if err != nil {
				t.Fatalf("ParseComposition: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseComposition =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseCompositionMalformed(t *testing.T) {
	tests := []struct {
		name    string
		record  string
		wantErr string // substring of the error
	}{
		{"empty", "", "does not start with"},
		{"missing magic", record(appLine, "end"), "does not start with"},
		{"wrong magic version", record("weld.composition/v2", appLine, "end"), "does not start with"},
		{"magic with trailing space", record(compositionMagic+" ", appLine, "end"), "does not start with"},
		{"blank line before magic", record("", compositionMagic, appLine, "end"), "does not start with"},

		{"name without value", record(compositionMagic, "name", appLine, "end"), `line 2: malformed "name"`},
		{"name with two values", record(compositionMagic, "name a b", appLine, "end"), `line 2: malformed "name a b"`},
		{"app without version", record(compositionMagic, "app example.com/app", "end"), "line 2: malformed"},
		{"app with extra field", record(compositionMagic, appLine+" x", "end"), "line 2: malformed"},
		{"main with two values", record(compositionMagic, appLine, "main a b", "end"), "line 3: malformed"},
		{"entry without value", record(compositionMagic, appLine, "entry", "end"), "line 3: malformed"},
		{"plugin without package", record(compositionMagic, appLine, "plugin example.com/p v1.0.0", "end"), "line 3: malformed"},
		{"plugin with extra field", record(compositionMagic, appLine, pluginLine+" x", "end"), "line 3: malformed"},
		{"end with a value", record(compositionMagic, appLine, "end now"), `line 3: malformed "end now"`},

		{"unknown keyword", record(compositionMagic, appLine, "version v1", "end"), `line 3: malformed "version v1"`},
		{"keyword in upper case", record(compositionMagic, "APP example.com/app v1", "end"), "line 2: malformed"},
		{"tab separated", record(compositionMagic, "app\texample.com/app\tv1", "end"), "line 2: malformed"},
		{"carriage return", record(compositionMagic, appLine, "end\r"), "line 3: malformed"},

		{"double space", record(compositionMagic, "app example.com/app  v1", "end"), "line 2: empty field"},
		{"trailing space", record(compositionMagic, "name x ", appLine, "end"), "line 2: empty field"},
		{"empty name", record(compositionMagic, "name ", appLine, "end"), "line 2: empty field"},
		{"empty main", record(compositionMagic, appLine, "main ", "end"), "line 3: empty field"},
		{"empty plugin version", record(compositionMagic, appLine, "plugin example.com/p  example.com/p", "end"), "line 3: empty field"},
		{"empty line", record(compositionMagic, appLine, "", "end"), "line 3: empty field"},

		{"second name", record(compositionMagic, "name a", appLine, "name b", "end"), "line 4: second name line"},
		{"second app", record(compositionMagic, appLine, "app example.com/other v1", "end"), "line 3: second app line"},
		{"second main", record(compositionMagic, appLine, "main a", "main b", "end"), "line 4: second main line"},
		{"second entry", record(compositionMagic, appLine, "entry a.F", "entry b.G", "end"), "line 4: second entry line"},
		{"main and entry", record(compositionMagic, appLine, "main a", "entry b.F", "end"), "both a main package and an entry"},

		{"missing end", record(compositionMagic, appLine), "no end line"},
		{"magic only", compositionMagic, "no end line"},
		{"text after end", record(compositionMagic, appLine, "end", pluginLine), "line 4: text after end"},
		{"second end", record(compositionMagic, appLine, "end", "end"), "line 4: text after end"},
		{"blank line after end", record(compositionMagic, appLine, "end", ""), "line 4: text after end"},

		{"no app", record(compositionMagic, "name x", "main example.com/x", pluginLine, "end"), "names no app"},
		{"no lines", record(compositionMagic, "end"), "names no app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseComposition(tt.record)
			if err == nil {
				t.Fatalf("ParseComposition(%q) = %+v, want an error", tt.record, c)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if !reflect.DeepEqual(c, Composition{}) {
				t.Errorf("ParseComposition returned %+v with its error, want the zero Composition", c)
			}
		})
	}
}

// resetComposition clears the recorded composition for the duration of the
// test, so that the tests see the state of a binary that weld did not build
// whatever ran before them.
func resetComposition(t *testing.T) {
	compositionMu.Lock()
	saved, savedOK := composition, hasComposition
	composition, hasComposition = Composition{}, false
	compositionMu.Unlock()
	t.Cleanup(func() {
		compositionMu.Lock()
		composition, hasComposition = saved, savedOK
		compositionMu.Unlock()
	})
}

func TestComposedBeforeSetComposition(t *testing.T) {
	resetComposition(t)
	c, ok := Composed()
	if ok {
		t.Errorf("Composed() ok = true before SetComposition")
	}
	if !reflect.DeepEqual(c, Composition{}) {
		t.Errorf("Composed() = %+v before SetComposition, want the zero Composition", c)
	}
}

func TestSetCompositionComposed(t *testing.T) {
	resetComposition(t)
	rec := record(compositionMagic, "name bin", appLine, "main example.com/app/cmd/bin", pluginLine, "end")
	want, err := ParseComposition(rec)
	if err != nil {
		t.Fatal(err)
	}
	SetComposition(rec)
	got, ok := Composed()
	if !ok {
		t.Fatal("Composed() ok = false after SetComposition")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Composed() = %+v, want %+v", got, want)
	}

	// A later SetComposition replaces the record.
	SetComposition(record(compositionMagic, "app example.com/other v2.0.0", "end"))
	got, ok = Composed()
	wantOther := Composition{App: Module{Path: "example.com/other", Version: "v2.0.0"}}
	if !ok || !reflect.DeepEqual(got, wantOther) {
		t.Errorf("after a second SetComposition Composed() = %+v, %v; want %+v, true", got, ok, wantOther)
	}
}

func TestSetCompositionPanicsOnMalformedRecord(t *testing.T) {
	resetComposition(t)
	for _, rec := range []string{
		"",
		record(appLine, "end"),
		record(compositionMagic, appLine),
		record(compositionMagic, "name x", "end"),
		record(compositionMagic, appLine, "bogus", "end"),
	} {
		_, parseErr := ParseComposition(rec)
		if parseErr == nil {
			t.Fatalf("ParseComposition(%q) succeeded; the test needs a malformed record", rec)
		}
		msg := panicMessage(t, func() { SetComposition(rec) })
		if want := "sdk.SetComposition: " + parseErr.Error(); msg != want {
			t.Errorf("SetComposition(%q) panicked with %q, want %q", rec, msg, want)
		}
		if c, ok := Composed(); ok {
			t.Errorf("a malformed record was recorded: Composed() = %+v, true", c)
		}
	}

	// A malformed record does not replace a good one either.
	SetComposition(record(compositionMagic, appLine, "end"))
	panicMessage(t, func() { SetComposition("garbage") })
	if c, ok := Composed(); !ok || c.App != app {
		t.Errorf("after a failed SetComposition Composed() = %+v, %v; want the earlier record", c, ok)
	}
}

func TestComposedReturnsACopy(t *testing.T) {
	resetComposition(t)
	SetComposition(record(compositionMagic, "name bin", appLine,
		"plugin example.com/a v1.0.0 example.com/a",
		"plugin example.com/b v1.0.0 example.com/b",
		"end"))
	first, _ := Composed()
	want, _ := Composed()
	want.Plugins = append([]Plugin(nil), want.Plugins...)

	first.Plugins[0].Package = "mutated"
	first.Plugins[1].Module.Version = "mutated"
	first.Plugins = append(first.Plugins[:1], Plugin{Package: "appended"})
	first.Name = "mutated"
	first.App.Path = "mutated"

	second, ok := Composed()
	if !ok {
		t.Fatal("Composed() ok = false")
	}
	if !reflect.DeepEqual(second, want) {
		t.Errorf("mutating a Composed() result changed later results:\n%+v\nwant\n%+v", second, want)
	}

	// Each call hands out its own slice.
	a, _ := Composed()
	b, _ := Composed()
	if &a.Plugins[0] == &b.Plugins[0] {
		t.Error("two Composed() calls share one Plugins slice")
	}
}

func TestComposedWithoutPlugins(t *testing.T) {
	resetComposition(t)
	SetComposition(record(compositionMagic, appLine, "end"))
	c, ok := Composed()
	if !ok || len(c.Plugins) != 0 || c.App != app {
		t.Errorf("Composed() = %+v, %v", c, ok)
	}
}

func TestConcurrentSetCompositionAndComposed(t *testing.T) {
	resetComposition(t)
	const n = 8
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			SetComposition(record(compositionMagic, fmt.Sprintf("name bin%d", i), appLine, pluginLine, "end"))
		}()
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c, ok := Composed()
				if !ok {
					continue
				}
				// Whatever was recorded, it is one whole record.
				if c.App != app || len(c.Plugins) != 1 || c.Plugins[0] != plugin || !strings.HasPrefix(c.Name, "bin") {
					t.Errorf("Composed() = %+v: a torn record", c)
					return
				}
				c.Plugins[0].Package = "mutated" // must not race with other readers
			}
		}()
	}
	wg.Wait()
	if _, ok := Composed(); !ok {
		t.Error("Composed() ok = false after concurrent SetComposition calls")
	}
}
