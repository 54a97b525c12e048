package build

import (
	"reflect"
	"testing"
)

func TestFailingFiles(t *testing.T) {
	stderr := "# example.com/a\n" +
		"../mod/example.com/a@v1.0.0/a.go:7:9: not enough arguments in call to c.Draw\n" +
		"\thave (string)\n" +
		"../mod/example.com/a@v1.0.0/a.go:9:2: undefined: x\n" +
		"/abs/b.go:1:1: other\n" +
		"# example.com/other\n" +
		"o.go:1:1: not ours\n"
	tests := []struct {
		name, pkg string
		want      []string
	}{
		{"relative and absolute, once each", "example.com/a", []string{"/w/mod/example.com/a@v1.0.0/a.go", "/abs/b.go"}},
		{"another package's section", "example.com/other", []string{"/w/build/o.go"}},
		{"no section", "example.com/none", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failingFiles(stderr, tt.pkg, "/w/build"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("failingFiles = %q, want %q", got, tt.want)
			}
		})
	}
}
