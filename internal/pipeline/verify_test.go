package pipeline

import (
	"reflect"
	"testing"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/modverify"
)

func TestModulesToVerify(t *testing.T) {
	const mc = "/home/u/go/pkg/mod"
	l := &lock.Lock{Sums: []string{
		"example.com/app v1.0.0 h1:app=",
		"example.com/app v1.0.0/go.mod h1:appmod=",
		"example.com/hello v1.0.0 h1:hello=",
		"github.com/Upper/lib v1.2.0 h1:upper=",
		"example.com/modonly v1.0.0/go.mod h1:modonly=",
		"example.com/new v2.0.0 h1:new=",
	}}
	c := &compose.Composition{
		App: compose.Module{Path: "example.com/app", Version: "v1.0.0", Dir: mc + "/example.com/app@v1.0.0"},
		Plugins: []compose.Plugin{
			{Module: compose.Module{Path: "example.com/hello", Version: "v1.0.0", Dir: mc + "/example.com/hello@v1.0.0"}},
			{Module: compose.Module{Path: "example.com/local", Dir: "/src/local", Local: true}},
		},
		BuildList: []compose.Module{
			// the plugin again: listed once
			{Path: "example.com/hello", Version: "v1.0.0", Dir: mc + "/example.com/hello@v1.0.0"},
			// upper case is escaped in module cache paths
			{Path: "github.com/Upper/lib", Version: "v1.2.0", Dir: mc + "/github.com/!upper/lib@v1.2.0"},
			// only its go.mod is in the build: no h1: hash, no files read
			{Path: "example.com/modonly", Version: "v1.0.0"},
			// replaced by another module's version: checked as that module
			{Path: "example.com/old", Version: "v1.0.0", Dir: mc + "/example.com/new@v2.0.0"},
			// a directory named like no locked module
			{Path: "example.com/odd", Version: "v1.0.0", Dir: "/elsewhere/odd"},
			// replaced by a directory
			{Path: "example.com/local", Dir: "/src/local", Local: true},
			// not downloaded
			{Path: "example.com/new", Version: "v2.0.0"},
		},
	}
	want := []modverify.Module{
		{Path: "example.com/app", Version: "v1.0.0", Dir: mc + "/example.com/app@v1.0.0", Sum: "h1:app="},
		{Path: "example.com/hello", Version: "v1.0.0", Dir: mc + "/example.com/hello@v1.0.0", Sum: "h1:hello="},
		{Path: "github.com/Upper/lib", Version: "v1.2.0", Dir: mc + "/github.com/!upper/lib@v1.2.0", Sum: "h1:upper="},
		{Path: "example.com/new", Version: "v2.0.0", Dir: mc + "/example.com/new@v2.0.0", Sum: "h1:new="},
	}
	if got := modulesToVerify(c, l); !reflect.DeepEqual(got, want) {
		t.Errorf("modulesToVerify =\n%+v\nwant\n%+v", got, want)
	}
	if got := modulesToVerify(nil, l); got != nil {
		t.Errorf("modulesToVerify without a composition = %+v", got)
	}
}
