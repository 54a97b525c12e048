package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// zeroVersion is the version the go command gives a module that is only
// known through a directory replacement.
const zeroVersion = "v0.0.0-00010101000000-000000000000"

// xcaddySim recreates the composed module from scratch on every build, the
// way xcaddy does (github.com/caddyserver/xcaddy, environment.go and
// builder.go): go mod init in a fresh temporary directory, go mod edit
// -replace for the local modules, a generated main package, go get per
// plugin, go mod tidy, go build -trimpath, and the directory removed.
//
// xcaddy's generated main.go calls caddycmd.Main(); imgserver's app is a
// main package, which cannot be imported, so its non-test .go files are
// copied into the generated module next to a generated plugins.go that
// blank-imports every plugin.
type xcaddySim struct {
	tmp      string
	appFiles []string // absolute paths of app/*.go, tests excluded
	replaces []string // go mod edit arguments
	plugins  []string // plugin module paths
	env      []string // extra environment of every go command
	// steps holds each measured run's time per step.
	steps map[string]samples
}

// stepNames lists the steps of run in order.
var stepNames = []string{"mkdir+go mod init", "go mod edit", "write main package", "go get (all plugins)", "go mod tidy", "go build", "rm -r"}

// breakdown returns the median of each step, in ms.
func (x *xcaddySim) breakdown() [][2]string {
	var out [][2]string
	for _, name := range stepNames {
		if s := x.steps[name]; len(s) > 0 {
			out = append(out, [2]string{name, ms(s.median())})
		}
	}
	return out
}

// newXcaddySim reads the modules to compose from dir's weld.lock: the app
// and plugin lines name the modules, the local lines every module that is
// a local directory (app, plugins, and what they replace, such as the API
// and the SDK), relative to dir.
func newXcaddySim(b *bench, dir string, env ...string) (*xcaddySim, error) {
	x := &xcaddySim{tmp: b.tmp, env: env, steps: map[string]samples{}}
	lock, err := os.ReadFile(filepath.Join(dir, "weld.lock"))
	if err != nil {
		return nil, err
	}
	var appDir string
	for _, line := range strings.Split(string(lock), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 4 && (f[0] == "app" || f[0] == "plugin"):
			p, ok := strings.CutPrefix(f[3], "path=")
			if f[2] != "(local)" || !ok {
				return nil, fmt.Errorf("the xcaddy-style build needs a local app and local plugins; weld.lock has %q", line)
			}
			if f[0] == "app" {
				appDir = filepath.Join(dir, p)
			} else {
				x.plugins = append(x.plugins, f[1])
			}
		case len(f) >= 3 && f[0] == "local":
			x.replaces = append(x.replaces, "-replace", f[1]+"="+filepath.Join(dir, f[2]))
		}
	}
	if appDir == "" || len(x.plugins) == 0 || len(x.replaces) == 0 {
		return nil, fmt.Errorf("no local app, plugins or modules in %s/weld.lock", dir)
	}
	files, err := filepath.Glob(filepath.Join(appDir, "*.go"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			x.appFiles = append(x.appFiles, f)
		}
	}
	if len(x.appFiles) == 0 {
		return nil, fmt.Errorf("no .go files in %s", appDir)
	}
	return x, nil
}

// run is one complete xcaddy-style build; everything it does is timed.
func (x *xcaddySim) run() error {
	var dir string
	gocmd := func(env []string, args ...string) func() error {
		return func() error {
			_, _, err := (cmd{dir: dir, env: append(x.env[:len(x.env):len(x.env)], env...), name: "go", args: args}).run()
			return err
		}
	}
	var gets []func() error
	// xcaddy runs one go get per plugin. A module known only through a
	// directory replacement has no version to query, so ask for the one the
	// go command assigns it; a bare module path would query GOPROXY.
	for _, p := range x.plugins {
		gets = append(gets, gocmd(nil, "get", p+"@"+zeroVersion))
	}
	steps := []func() error{
		func() (err error) {
			if dir, err = os.MkdirTemp(x.tmp, "xcaddy-"); err != nil {
				return err
			}
			return gocmd(nil, "mod", "init", "weldbench.example/imgserver")()
		},
		// xcaddy passes every replacement to a single go mod edit.
		gocmd(nil, append([]string{"mod", "edit"}, x.replaces...)...),
		func() error { return x.writeMain(dir) },
		func() error {
			for _, g := range gets {
				if err := g(); err != nil {
					return err
				}
			}
			return nil
		},
		gocmd(nil, "mod", "tidy"),
		func() error {
			return gocmd([]string{"CGO_ENABLED=1"}, "build", "-trimpath", "-o", filepath.Join(dir, "imgserver"), ".")()
		},
		func() error { return os.RemoveAll(dir) },
	}
	for i, step := range steps {
		d, err := timeCmd(step)()
		if err != nil {
			if dir != "" {
				os.RemoveAll(dir)
			}
			return err
		}
		x.steps[stepNames[i]] = append(x.steps[stepNames[i]], d)
	}
	return nil
}

// writeMain copies the app's main package into dir and generates
// plugins.go, which blank-imports every plugin.
func (x *xcaddySim) writeMain(dir string) error {
	for _, f := range x.appFiles {
		if err := copyFile(f, filepath.Join(dir, filepath.Base(f))); err != nil {
			return err
		}
	}
	var gen strings.Builder
	gen.WriteString("// Code generated by weldbench. DO NOT EDIT.\n\npackage main\n\nimport (\n")
	for _, p := range x.plugins {
		fmt.Fprintf(&gen, "\t_ %q\n", p)
	}
	gen.WriteString(")\n")
	return os.WriteFile(filepath.Join(dir, "plugins.go"), []byte(gen.String()), 0o644)
}
