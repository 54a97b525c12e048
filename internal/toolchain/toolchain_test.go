package toolchain

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/gobuild/gobuildtest"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

func TestPkgConfigEnv(t *testing.T) {
	tests := []struct {
		name  string
		tc    Toolchain
		entry spec.TargetEntry
		want  []string
	}{
		{"host, nothing set", Toolchain{}, spec.TargetEntry{}, nil},
		{"cross without sysroot never falls back to the host", Toolchain{Cross: true}, spec.TargetEntry{},
			[]string{"PKG_CONFIG_LIBDIR=/nonexistent/weld-no-sysroot", "PKG_CONFIG_PATH="}},
		{"pkg_config_path replaces the search path", Toolchain{Cross: true}, spec.TargetEntry{PkgConfigPath: "/opt/pc", Sysroot: spec.Sysroot{Dir: "/sr"}},
			[]string{"PKG_CONFIG_LIBDIR=/opt/pc", "PKG_CONFIG_PATH=", "PKG_CONFIG_SYSROOT_DIR=/sr"}},
		{"sysroot dir", Toolchain{Cross: true}, spec.TargetEntry{Sysroot: spec.Sysroot{Dir: "/sr"}},
			[]string{"PKG_CONFIG_SYSROOT_DIR=/sr", "PKG_CONFIG_LIBDIR=/sr/usr/lib/pkgconfig:/sr/usr/share/pkgconfig:/sr/usr/local/lib/pkgconfig:/sr/lib/pkgconfig:/sr/share/pkgconfig", "PKG_CONFIG_PATH="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pkgConfigEnv(tt.tc, tt.entry); !slices.Equal(got, tt.want) {
				t.Errorf("pkgConfigEnv = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCCompiler(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{nil, "gcc"},
		{[]string{"CC=clang"}, "clang"},
		{[]string{"CC=clang", "CC= ccache gcc "}, "ccache gcc"},
		{[]string{"CC=clang", "CC="}, "clang"},
	}
	for _, tt := range tests {
		if got := cCompiler(tt.env); got != tt.want {
			t.Errorf("cCompiler(%q) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestForFollowsTheManifest(t *testing.T) {
	sp := &spec.Spec{
		Build: spec.Build{Env: []string{"FOO=1"}},
		Targets: []spec.TargetEntry{
			{Name: "linux/riscv64", CC: "true", CgoCflags: "-O1", CgoLdflags: "-lm"},
		},
	}
	r := &Resolver{Spec: sp, Go: &gobuildtest.Fake{}}
	ctx := context.Background()

	riscv := r.For(ctx, target.Target{OS: "linux", Arch: "riscv64"})
	if riscv.CC != "true" || riscv.CXX != "true" || riscv.Problem != "" || !riscv.Cross {
		t.Errorf("manifest cc: %+v", riscv)
	}
	for _, kv := range []string{"FOO=1", "CC=true", "CGO_CFLAGS=-O1", "CGO_LDFLAGS=-lm", "PKG_CONFIG_LIBDIR=/nonexistent/weld-no-sysroot"} {
		if !slices.Contains(riscv.Env, kv) {
			t.Errorf("env %q lacks %s", riscv.Env, kv)
		}
	}
	// A target no compiler is known for says how to give it one.
	mips := r.For(ctx, target.Target{OS: "linux", Arch: "mips64"})
	if !strings.Contains(mips.Problem, "set cc: under targets:") {
		t.Errorf("unknown cross compiler: problem %q", mips.Problem)
	}
}

// cgoComposition has a plugin whose package uses cgo with a pkg-config
// library.
func cgoComposition(sp *spec.Spec) *compose.Composition {
	plugin := spec.Plugin{Source: spec.Source{Module: "example.com/cairo", Version: "v1.0.0", Pos: spec.Pos{File: "weld.yaml", Line: 7, Col: 5}}}
	sp.Plugins = []spec.Plugin{plugin}
	sp.App = spec.App{Source: spec.Source{Module: "example.com/app", Version: "v1.0.0"}}
	return &compose.Composition{
		Spec: sp, App: compose.Module{Path: "example.com/app"},
		Plugins: []compose.Plugin{{Spec: plugin, Module: compose.Module{Path: "example.com/cairo"}, Package: "example.com/cairo"}},
		Packages: []*compose.Package{
			{ImportPath: "example.com/app", Name: "main"},
			{ImportPath: "example.com/cairo", Name: "cairo", CgoFiles: []string{"cairo.go"}, CgoPkgConfig: []string{"weld-no-such-library"}},
		},
	}
}

func TestCgoEnvNamesThePlugin(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		cgo  spec.CgoMode
		want string
	}{
		{"cgo off", spec.CgoOff, "weld.yaml:7:5: plugin example.com/cairo uses cgo (package example.com/cairo), but build.cgo is off"},
		{"missing library", spec.CgoAuto, `weld.yaml:7:5: plugin example.com/cairo needs C library "weld-no-such-library" (pkg-config) for ` + target.Host().String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := &spec.Spec{Build: spec.Build{Cgo: tt.cgo}}
			comp := cgoComposition(sp)
			r := &Resolver{Spec: sp, Go: &gobuildtest.Fake{}}
			_, err := r.CgoEnv(ctx, comp, target.Host())
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("CgoEnv error = %v, want one starting %q", err, tt.want)
			}
		})
	}
}
