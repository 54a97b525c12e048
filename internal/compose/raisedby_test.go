package compose

import "testing"

func TestRaisedBy(t *testing.T) {
	c := &Composition{
		App: Module{Path: "example.com/app", Version: "v1.2.0"},
		Lifts: []Lift{
			{Path: "example.com/one", From: "v1.0.0", To: "v1.1.0", By: []string{"example.com/p"}},
			{Path: "example.com/two", From: "v1.0.0", To: "v1.1.0", By: []string{"example.com/p", "example.com/q"}},
			{Path: "example.com/none", From: "v1.0.0", To: "v1.1.0"},
		},
	}
	tests := []struct{ path, want string }{
		{"example.com/one", "raised by plugin example.com/p"},
		{"example.com/two", "raised by plugins example.com/p, example.com/q"},
		{"example.com/none", "raised by the composition"},
		{"example.com/api", "selected by the app example.com/app v1.2.0"},
	}
	for _, tt := range tests {
		if got := c.RaisedBy(tt.path); got != tt.want {
			t.Errorf("RaisedBy(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
	c.App = Module{Path: "example.com/app", Local: true}
	if got, want := c.RaisedBy("example.com/api"), "selected by the app example.com/app"; got != want {
		t.Errorf("RaisedBy with a local app = %q, want %q", got, want)
	}
}
