package apicheck

import (
	"context"
	"path/filepath"
	"strings"
)

// CompileErrors compiles pkgs (and their dependencies) in o.Composed, as
// `go list -export` does for their export data, without linking anything,
// and returns the first error of each package that does not compile, or
// whose dependencies do not.
func CompileErrors(ctx context.Context, o Options, pkgs []string) (map[string]string, error) {
	list, err := listExport(ctx, o, o.Composed, o.ModFile, pkgs)
	if err != nil {
		return nil, err
	}
	byPath := map[string]*listedPackage{}
	for _, lp := range list {
		byPath[lp.ImportPath] = lp
	}
	out := map[string]string{}
	for _, path := range pkgs {
		lp := byPath[path]
		if lp == nil {
			continue
		}
		if lp.Error != nil {
			out[path] = firstError(lp.Error.Err, o.Composed, lp)
			continue
		}
		for _, d := range lp.Deps {
			if dp := byPath[d]; dp != nil && dp.Error != nil {
				out[path] = firstError(dp.Error.Err, o.Composed, dp)
				break
			}
		}
	}
	return out, nil
}

// firstError is the first line of a compile error that says what is
// wrong (the go command starts its report with "# package"), with the
// file named in its module ("example.com/p@v1.0.0/p.go:4:14") rather
// than relative to dir, where go list ran.
func firstError(msg, dir string, lp *listedPackage) string {
	for _, line := range strings.Split(msg, "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		file, rest, ok := strings.Cut(line, ":")
		if !ok || lp.Module == nil || lp.Module.Dir == "" || !strings.HasSuffix(file, ".go") {
			return line
		}
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		rel, err := filepath.Rel(lp.Module.Dir, file)
		if err != nil || strings.HasPrefix(rel, "..") {
			return line
		}
		mod := lp.Module.Path
		if lp.Module.Version != "" {
			mod += "@" + lp.Module.Version
		}
		return mod + "/" + filepath.ToSlash(rel) + ":" + rest
	}
	return strings.TrimSpace(msg)
}
