// Package inspect reads what a built binary says about itself: the Go
// build info that every Go executable carries (any format, any
// architecture) and the composition record that weld adds.
package inspect

import (
	"bytes"
	"debug/buildinfo"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/weldgo/weld/internal/compose"
)

// Info describes a binary.
type Info struct {
	Path      string          `json:"path"`
	GoVersion string          `json:"go"`
	Target    string          `json:"target"`
	Main      string          `json:"main"`
	Record    *compose.Record `json:"composition,omitempty"`
	// Extra is what an adapter wired, for binaries built with one.
	Extra   *compose.RecordExtra `json:"wiring,omitempty"`
	Modules []Module             `json:"modules"`
	// Settings are the build settings go recorded (-tags, CGO_ENABLED,
	// GOOS, ...).
	Settings map[string]string `json:"settings,omitempty"`
}

// Setting is one recorded build setting, or "".
func (i *Info) Setting(key string) string { return i.Settings[key] }

// Module is one module compiled into the binary.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	Sum     string `json:"sum,omitempty"`
	Replace string `json:"replace,omitempty"`
}

// Read inspects the binary at path, which must be a regular file: a FIFO
// or a device could block forever or never end.
func Read(path string) (*Info, error) {
	// O_NONBLOCK keeps the open itself from waiting for a FIFO's writer;
	// on a regular file it changes nothing.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("inspecting %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("inspecting %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("inspecting %s: not a regular file (it is %s); give the path of a Go executable", path, fileKind(fi.Mode()))
	}
	bi, err := buildinfo.Read(f)
	if err != nil {
		return nil, fmt.Errorf("reading build info of %s: %w", path, err)
	}
	data, err := io.ReadAll(io.NewSectionReader(f, 0, fi.Size()))
	if err != nil {
		return nil, fmt.Errorf("inspecting %s: %w", path, err)
	}
	info := &Info{Path: path, GoVersion: bi.GoVersion, Main: bi.Path, Record: findRecord(data)}
	if info.Record != nil {
		info.Extra = findExtra(data)
	}
	var goos, goarch, variant string
	info.Settings = map[string]string{}
	for _, s := range bi.Settings {
		info.Settings[s.Key] = s.Value
		switch s.Key {
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		case "GOARM":
			variant = s.Value
		}
	}
	info.Target = goos + "/" + goarch
	if goarch == "arm" && variant != "" {
		info.Target += "/" + variant
	}
	info.Modules = append(info.Modules, module(&bi.Main))
	for _, d := range bi.Deps {
		info.Modules = append(info.Modules, module(d))
	}
	return info, nil
}

// fileKind names what a non-regular file is, for the error.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

func module(m *debug.Module) Module {
	out := Module{Path: m.Path, Version: m.Version, Sum: m.Sum}
	if m.Replace != nil {
		out.Replace = m.Replace.Path
		if m.Replace.Version != "" && m.Replace.Version != "(devel)" {
			out.Replace += "@" + m.Replace.Version
		}
		if out.Sum == "" {
			out.Sum = m.Replace.Sum
		}
	}
	return out
}

// Bounds of the record search. A record has one line per plugin: a
// thousand plugins take about 100 KiB, a manifest's largest composition
// (spec.MaxPlugins) with long module paths a few MiB. A binary holds one
// record (plus, in weld's own binary, the bare magic): the candidate bound
// stops a crafted file full of magic strings from making the search
// quadratic.
const (
	maxRecordSize       = 16 << 20
	maxRecordCandidates = 64
)

// findRecord scans the executable's bytes for the composition record. The
// record is a single string constant in the binary's read-only data, so it
// is found the same way in ELF, PE and Mach-O files of any architecture.
// Candidates that do not parse (such as weld's own copy of the magic
// string) are skipped.
func findRecord(data []byte) *compose.Record {
	return find(data, compose.RecordMagic, compose.DecodeRecord)
}

// findExtra finds the second record, of what an adapter wired, the same
// way.
func findExtra(data []byte) *compose.RecordExtra {
	return find(data, compose.ExtraMagic, compose.DecodeRecordExtra)
}

func find[R any](data []byte, magicText string, decode func(string) (R, error)) *R {
	magic := []byte(magicText + "\n")
	end := []byte("\nend\n")
	for off, n := 0, 0; n < maxRecordCandidates; n++ {
		i := bytes.Index(data[off:], magic)
		if i < 0 {
			return nil
		}
		start := off + i
		window := data[start:min(len(data), start+maxRecordSize)]
		if j := bytes.Index(window, end); j >= 0 {
			if r, err := decode(string(window[:j+len(end)])); err == nil {
				return &r
			}
		}
		off = start + len(magic)
	}
	return nil
}
