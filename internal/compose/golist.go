package compose

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/weldgo/weld/internal/gobuild"
)

// Package is the part of `go list -json` output that weld uses.
type Package struct {
	ImportPath   string
	Name         string
	Standard     bool
	DepOnly      bool
	Module       *ListModule
	Deps         []string
	CgoFiles     []string
	CgoPkgConfig []string
	CgoCFLAGS    []string
	CgoLDFLAGS   []string
	Error        *PackageError
	DepsErrors   []*PackageError
}

// PackageError is a package loading error from go list.
type PackageError struct {
	ImportStack []string
	Pos         string
	Err         string
}

// ListModule is the part of `go list -m -json` and `go mod download -json`
// output that weld uses.
type ListModule struct {
	Path      string
	Version   string
	Query     string
	Replace   *ListModule
	Main      bool
	Indirect  bool
	Dir       string
	GoMod     string
	GoVersion string
	Sum       string
	GoModSum  string
	Error     any // a string from go mod download, an object from go list -m
}

// ErrorText returns the module's error, whatever shape go gave it.
func (m *ListModule) ErrorText() string {
	switch e := m.Error.(type) {
	case nil:
		return ""
	case string:
		return e
	case map[string]any:
		if s, ok := e["Err"].(string); ok {
			return s
		}
	}
	return fmt.Sprint(m.Error)
}

// decodeStream decodes the concatenated JSON values that go prints.
func decodeStream[T any](data []byte) ([]*T, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []*T
	for {
		v := new(T)
		if err := dec.Decode(v); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("decoding go command output: %w", err)
		}
		out = append(out, v)
	}
}

const listFields = "ImportPath,Name,Standard,DepOnly,Module,Deps,CgoFiles,CgoPkgConfig,CgoCFLAGS,CgoLDFLAGS,Error,DepsErrors"

// listPackages loads pkgs and all their dependencies in dir. With -mod=mod
// the go command also records every checksum the build will need in go.sum.
// cgo is enabled for the listing whatever the environment says, so that
// cgo files are always seen and C needs can be found before compiling.
func listPackages(ctx context.Context, r *gobuild.Runner, dir string, pkgs []string) ([]*Package, error) {
	args := append([]string{"list", "-mod=mod", "-e", "-deps", "-json=" + listFields}, pkgs...)
	out, err := r.Run(ctx, gobuild.Call{Dir: dir, Args: args, Env: []string{"CGO_ENABLED=1"}})
	if err != nil {
		return nil, err
	}
	return decodeStream[Package](out)
}

// listModules returns the build list of the module in dir.
func listModules(ctx context.Context, r *gobuild.Runner, dir string) ([]*ListModule, error) {
	out, err := r.Run(ctx, gobuild.Call{Dir: dir, Args: []string{"list", "-mod=mod", "-m", "-json", "all"}})
	if err != nil {
		return nil, err
	}
	return decodeStream[ListModule](out)
}

// download resolves and downloads module@query pairs. Errors are reported
// per module in the result rather than as a failed command, so that each
// one can be attributed to its manifest entry.
func download(ctx context.Context, r *gobuild.Runner, dir string, queries []string) ([]*ListModule, error) {
	out, err := r.Run(ctx, gobuild.Call{Dir: dir, Args: append([]string{"mod", "download", "-json"}, queries...)})
	mods, derr := decodeStream[ListModule](out)
	if derr != nil || len(mods) == 0 {
		return nil, errors.Join(err, derr)
	}
	return mods, nil
}

// moduleGraph returns `go mod graph` as edges.
func moduleGraph(ctx context.Context, r *gobuild.Runner, dir string) ([][2]string, error) {
	out, err := r.Run(ctx, gobuild.Call{Dir: dir, Args: []string{"mod", "graph"}})
	if err != nil {
		return nil, err
	}
	var edges [][2]string
	for _, line := range strings.Split(string(out), "\n") {
		if from, to, ok := strings.Cut(line, " "); ok {
			edges = append(edges, [2]string{from, to})
		}
	}
	return edges, nil
}
