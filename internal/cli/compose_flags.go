package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// composeFlags are the flags shared by the commands that resolve a
// composition: a manifest, or the same content as flags.
type composeFlags struct {
	file            string
	flags           spec.Flags
	tags            []string
	cgo             string
	allowAppUpgrade bool
	allowIncompat   bool
	verbose         bool
	keepWork        bool
	locked          bool
}

func (f *composeFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.file, "file", "f", "", "manifest to read (default weld.yaml)")
	fs.StringVar(&f.flags.App, "app", "", "app module, as MODULE[@VERSION|=PATH], instead of a manifest")
	fs.StringVar(&f.flags.Entry, "entry", "", "exported function IMPORTPATH.Func that runs the app (with --app)")
	fs.StringVar(&f.flags.Package, "package", "", "the app's main package, if not the module root (with --app)")
	fs.StringVar(&f.flags.Adapter, "adapter", "", "adapter FILE that says how the app is wired, for an app that ships none (with --app)")
	fs.StringArrayVar(&f.flags.With, "with", nil, "plugin module, as MODULE[@VERSION|=PATH], or pkg:IMPORTPATH for a package of a module already in the build (repeatable, with --app)")
	fs.StringArrayVar(&f.flags.Replace, "replace", nil, "replace directive OLD[@V]=>NEW[@V] (repeatable, with --app)")
	fs.StringVar(&f.flags.Name, "name", "", "binary name (with --app; default: the app's last path element)")
	fs.StringSliceVar(&f.tags, "tags", nil, "build tags (with --app)")
	fs.StringVar(&f.flags.Build.Ldflags, "ldflags", "", "go build -ldflags (with --app)")
	fs.StringVar(&f.cgo, "cgo", "", "cgo mode auto, on or off (with --app)")
	fs.BoolVar(&f.allowAppUpgrade, "allow-app-upgrade", false, "let plugins raise the app module's version")
	fs.BoolVar(&f.allowIncompat, "allow-incompatible", false, "build plugins that use API changed incompatibly since the version they require (a warning, not an error)")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "show the go commands and their output")
	fs.BoolVar(&f.keepWork, "work", false, "keep the work directory and print its path")
	fs.BoolVar(&f.locked, "locked", false, "fail if weld.lock is missing or does not match the manifest, instead of updating it")
}

// load returns the Spec from the manifest or from the flags.
func (f *composeFlags) load() (*spec.Spec, error) {
	if err := checkEnvironment("readonly"); err != nil {
		return nil, err
	}
	if f.flags.App == "" {
		if len(f.flags.With) > 0 || f.flags.Entry != "" || f.flags.Package != "" || f.flags.Adapter != "" {
			return nil, errors.New("--with, --entry, --package and --adapter need --app; or put them in a manifest")
		}
		file := f.file
		if file == "" {
			file = "weld.yaml"
			if _, err := os.Stat(file); os.IsNotExist(err) {
				wd, _ := os.Getwd()
				return nil, fmt.Errorf("no weld.yaml in %s; pass -f FILE, or --app MODULE[@VERSION|=PATH] with --with for each plugin", wd)
			}
		}
		return spec.Load(file)
	}
	if f.file != "" {
		return nil, errors.New("use either -f or --app, not both")
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	f.flags.Build.Tags = f.tags
	f.flags.Build.Cgo = spec.CgoMode(f.cgo)
	return spec.FromFlags(f.flags, wd)
}

// options returns builder options for the loaded spec.
func (f *composeFlags) options(s *spec.Spec, stderr io.Writer) pipeline.Options {
	mode := lockpolicy.Use
	if f.locked {
		mode = lockpolicy.Frozen
	}
	return pipeline.Options{
		LockMode:          mode,
		Spec:              s,
		Go:                goCommand(f.verbose, stderr),
		AllowAppUpgrade:   f.allowAppUpgrade,
		AllowIncompatible: f.allowIncompat,
		KeepWork:          f.keepWork,
		Steps:             progress.New(stderr),
		Targets:           []target.Target{target.Host()},
	}
}
