package gobuild

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// outputChangingFlags are go build flags that would make a binary differ
// from what weld.lock and the target describe, whoever sets them: weld
// refuses them in GOFLAGS, from the user's environment and from build.env.
var outputChangingFlags = map[string]string{
	"toolexec":   "it runs another program in place of the compiler and linker",
	"overlay":    "it replaces source files with files that weld.lock does not cover",
	"modfile":    "it builds from another go.mod than the one weld composed from weld.lock",
	"mod":        "weld chooses the module mode itself (-mod=readonly, or vendor for weld build --vendor)",
	"compiler":   "it swaps the toolchain that weld.lock pins",
	"linkshared": "the binary would load Go code from shared libraries that weld.lock does not cover",
	"n":          "go build would only print its commands and write no binary",
}

// harmlessValues are the values of flags that are otherwise refused but
// change nothing weld relies on.
var harmlessValues = map[string][]string{
	"buildmode": {"default", "exe", "pie"},
	"pgo":       {"auto", "off"},
}

// valueChangingFlags explain why other values of harmlessValues' flags
// are refused.
var valueChangingFlags = map[string]string{
	"buildmode": "weld builds executables (-buildmode=exe or pie)",
	"pgo":       "the profile is a file that weld.lock does not cover",
}

// weldSetFlags are the flags weld passes on the go build command line,
// where they win over GOFLAGS; in build.env they would be silently
// ignored, so each names what to use instead.
var weldSetFlags = map[string]string{
	"tags":     "use build.tags instead",
	"ldflags":  "use build.ldflags instead",
	"trimpath": "weld always builds with -trimpath",
	"buildvcs": "weld always builds with -buildvcs=false",
	"o":        "weld chooses the output path; use weld build -o DIR",
}

// RefusedGOFLAG returns the first flag in a GOFLAGS value that weld
// refuses, and why; flag is "" when every flag is acceptable. inManifest
// also refuses the flags that weld passes itself, which a manifest should
// set through its own keys.
func RefusedGOFLAG(goflags string, inManifest bool) (flag, why string) {
	return refusedGOFLAG(goflags, inManifest, "")
}

// refusedGOFLAG is RefusedGOFLAG that also accepts -mod=weldMod, the mode
// weld itself uses for the command.
func refusedGOFLAG(goflags string, inManifest bool, weldMod string) (flag, why string) {
	for _, f := range splitGOFLAGS(goflags) {
		name, value, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if name == "mod" && weldMod != "" && value == weldMod {
			continue
		}
		if why, ok := outputChangingFlags[name]; ok {
			return "-" + name, why
		}
		if ok, known := harmlessValues[name]; known && !slices.Contains(ok, value) {
			return "-" + name, valueChangingFlags[name]
		}
		if why, ok := weldSetFlags[name]; ok && inManifest {
			return "-" + name, why
		}
	}
	return "", ""
}

// splitGOFLAGS splits a GOFLAGS value as the go command does: on white
// space, with single or double quotes around a field that holds spaces.
func splitGOFLAGS(s string) []string {
	var fields []string
	var cur strings.Builder
	var quote rune
	inField := false
	for _, c := range s {
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(c)
		case c == '\'' || c == '"':
			quote, inField = c, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inField {
				fields = append(fields, cur.String())
				cur.Reset()
				inField = false
			}
		default:
			cur.WriteRune(c)
			inField = true
		}
	}
	if inField {
		fields = append(fields, cur.String())
	}
	return fields
}

// UserGOFLAGS returns the GOFLAGS that the go command will see from the
// user's setup, and where it comes from: the environment variable, or the
// go env file that `go env -w` writes (a non-empty variable wins, as in
// the go command). It runs no go command, so that a no-op build stays one.
func (r *Runner) UserGOFLAGS() (value, source string) {
	if v := r.environ("GOFLAGS"); v != "" {
		return v, "the environment"
	}
	f := r.goEnvFile()
	if v := f.values["GOFLAGS"]; v != "" {
		return v, f.path + " (go env -w)"
	}
	return "", ""
}

// goEnvFile is the go command's per-user configuration file.
type goEnvFile struct {
	path   string
	values map[string]string
}

// goEnvFile reads the go env file once: $GOENV, or go/env in the user's
// configuration directory; GOENV=off means none.
func (r *Runner) goEnvFile() *goEnvFile {
	r.envFileOnce.Do(func() {
		file := r.environ("GOENV")
		if file == "off" {
			return
		}
		if file == "" {
			dir, err := os.UserConfigDir()
			if err != nil {
				return
			}
			file = filepath.Join(dir, "go", "env")
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return
		}
		r.envFile = goEnvFile{path: file, values: parseGoEnvFile(data)}
	})
	return &r.envFile
}

// parseGoEnvFile reads KEY=VALUE lines as the go command does, ignoring
// comments and anything that is not a go variable.
func parseGoEnvFile(data []byte) map[string]string {
	values := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && isGoVariable(k) {
			values[k] = v
		}
	}
	return values
}

// isGoVariable reports whether key is a variable that the go command also
// reads from its env file.
func isGoVariable(key string) bool {
	switch key {
	case "AR", "CC", "CXX", "FC", "GCCGO", "PKG_CONFIG":
		return true
	}
	return (strings.HasPrefix(key, "GO") || strings.HasPrefix(key, "CGO_")) && key != "GOENV"
}

// CheckUserGOFLAGS refuses a GOFLAGS setting of the user's that would
// make go build compile something other than what weld.lock describes.
// Harmless flags (-modcacherw, -buildvcs=false, -p=N, ...) pass, and so
// does -mod=weldMod, the module mode weld uses itself (readonly, or vendor
// for weld build --vendor).
func (r *Runner) CheckUserGOFLAGS(weldMod string) error {
	value, source := r.UserGOFLAGS()
	flag, why := refusedGOFLAG(value, false, weldMod)
	if flag == "" {
		return nil
	}
	fix := "unset GOFLAGS or remove " + flag + " from it"
	if source != "the environment" {
		fix = "run go env -w GOFLAGS=... without " + flag + ", or go env -u GOFLAGS"
	}
	return fmt.Errorf("GOFLAGS=%s (from %s) sets %s, which weld refuses: %s; %s", value, source, flag, why, fix)
}
