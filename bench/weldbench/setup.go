package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// bench holds the prepared temporary tree.
type bench struct {
	repo    string   // the weld repository
	tmp     string   // temporary root
	weld    string   // freshly built weld binary
	cache   string   // WELD_CACHE for the cache-on runs
	sites   []*site  // sites[0] builds the binary only
	replay  cmd      // the go build weld runs, replayed
	workDir string   // weld's kept --work directory
	goCmds  []string // the go commands weld runs for one build
	extra   []string // what weld writes besides the binary, for the manifest as is
}

// prepare copies the example and the SDK, runs weld lock and the warm-up
// builds. When the example's weld.yaml asks for outputs (archives,
// packages), which weld writes on every build, it is measured twice: as is
// (examples/imgserver), and from a second copy whose weld.yaml has the
// outputs: section removed (examples/imgserver-binonly), which builds just
// what go build builds. Both copies sit next to sdk/ as in the repository,
// so the example's relative replace directives resolve.
func (b *bench) prepare() error {
	src := filepath.Join(b.repo, "examples", "imgserver")
	if err := copyTree(filepath.Join(b.repo, "sdk"), filepath.Join(b.tmp, "sdk")); err != nil {
		return err
	}
	full := filepath.Join(b.tmp, "examples", "imgserver")
	if err := copyTree(src, full); err != nil {
		return err
	}
	manifest, err := os.ReadFile(filepath.Join(full, "weld.yaml"))
	if err != nil {
		return err
	}
	if stripped, ok := stripOutputs(string(manifest)); ok {
		binDir := filepath.Join(b.tmp, "examples", "imgserver-binonly")
		if err := copyTree(src, binDir); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(binDir, "weld.yaml"), []byte(stripped), 0o644); err != nil {
			return err
		}
		b.sites = []*site{{label: "binary only", dir: binDir}, {label: "weld.yaml as is", dir: full}}
	} else {
		b.sites = []*site{{label: "weld.yaml as is (no outputs)", dir: full}}
	}
	log.Printf("weld lock and warm-up builds in %s", b.tmp)
	for _, s := range b.sites {
		if _, _, err := b.weldCmd(s.dir, "off", "lock").run(); err != nil {
			return err
		}
		if _, _, err := b.weldCmd(s.dir, b.cache, "build").run(); err != nil {
			return err
		}
	}
	if len(b.sites) > 1 {
		entries, err := os.ReadDir(filepath.Join(full, "dist"))
		if err != nil {
			return err
		}
		for _, e := range entries {
			if !e.IsDir() {
				b.extra = append(b.extra, e.Name())
			}
		}
		b.sites[1].label = "weld.yaml as is (with outputs)"
	}
	return b.warmUpReplay()
}

// warmUpReplay builds the binary-only site once with -v --work and the
// cache off, takes the final go build command from the output and keeps
// the work directory its -overlay points into, then runs that command once.
func (b *bench) warmUpReplay() error {
	_, stderr, err := b.weldCmd(b.sites[0].dir, "off", "build", "-v", "--work").run()
	if err != nil {
		return err
	}
	for _, line := range strings.Split(stderr, "\n") {
		if dir, ok := strings.CutPrefix(line, "work directory: "); ok {
			b.workDir = strings.TrimSpace(dir)
		}
		if _, rest, ok := strings.Cut(line, " go "); ok && strings.HasPrefix(line, "+ cd ") {
			b.goCmds = append(b.goCmds, shortGoCmd(strings.Fields(rest)))
		}
	}
	if b.replay, err = parseGoBuild(stderr, b.baselineOut()); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(b.baselineOut()), 0o755); err != nil {
		return err
	}
	log.Printf("baseline: %s", b.replay)
	_, _, err = b.replay.run()
	return err
}

// weldCmd runs weld in dir with WELD_CACHE set.
func (b *bench) weldCmd(dir, cache string, args ...string) cmd {
	return cmd{dir: dir, env: []string{"WELD_CACHE=" + cache}, name: b.weld, args: args}
}

func (b *bench) baselineOut() string { return filepath.Join(b.tmp, "baseline", "imgserver") }

// parseGoBuild finds the last "+ cd DIR; ENV go build ARGS" line weld -v
// printed and returns it as a command, with -o pointed at out. weld prints
// arguments joined by spaces, so paths with spaces are not supported.
func parseGoBuild(verbose, out string) (cmd, error) {
	var line string
	for _, l := range strings.Split(verbose, "\n") {
		if strings.HasPrefix(l, "+ cd ") && strings.Contains(l, " go build ") {
			line = l
		}
	}
	if line == "" {
		return cmd{}, fmt.Errorf("weld -v printed no go build command:\n%s", verbose)
	}
	dir, rest, ok := strings.Cut(strings.TrimPrefix(line, "+ cd "), "; ")
	envPart, argPart, ok2 := strings.Cut(rest, " go build ")
	if !ok || !ok2 {
		return cmd{}, fmt.Errorf("cannot parse weld's go build line %q", line)
	}
	args := append([]string{"build"}, strings.Fields(argPart)...)
	found := false
	for i := range args {
		if args[i] == "-o" && i+1 < len(args) {
			args[i+1], found = out, true
		}
	}
	if !found {
		return cmd{}, fmt.Errorf("no -o in weld's go build line %q", line)
	}
	return cmd{dir: dir, env: strings.Fields(envPart), name: "go", args: args}, nil
}

// shortGoCmd names a go command by its subcommand and the flags that tell
// one go list from another: "go list -m", "go mod graph".
func shortGoCmd(args []string) string {
	if len(args) == 0 {
		return "go"
	}
	name := "go " + args[0]
	for i, a := range args[1:] {
		if (i == 0 && !strings.HasPrefix(a, "-")) || a == "-m" || a == "-deps" {
			name += " " + a
		}
	}
	return name
}

// sameBinary reports whether the replayed go build wrote the same bytes as
// weld did for each site, which shows the baseline builds what weld builds.
func (b *bench) sameBinary() string {
	want, err := fileHash(b.baselineOut())
	if err != nil {
		return fmt.Sprintf("unknown (%v)", err)
	}
	var out []string
	for _, s := range b.sites {
		got, err := fileHash(filepath.Join(s.dir, "dist", "imgserver_"+runtime.GOOS+"_"+runtime.GOARCH, "imgserver"))
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("%s: unknown (%v)", s.label, err))
		case got == want:
			out = append(out, s.label+": yes (byte-identical)")
		default:
			out = append(out, s.label+": **no** (binaries differ)")
		}
	}
	return strings.Join(out, "; ")
}

func fileHash(name string) (string, error) {
	data, err := os.ReadFile(name)
	return fmt.Sprintf("%x", sha256.Sum256(data)), err
}

// cleanup removes the temporary directory and weld's kept work directory,
// unless -keep asks to leave them for replaying the baseline by hand.
func (b *bench) cleanup() {
	if *flagKeep {
		log.Printf("kept %s and weld's work directory %s", b.tmp, b.workDir)
		return
	}
	b.removeWorkDir(b.workDir)
	os.RemoveAll(b.tmp)
}

// removeWorkDir removes a work directory that weld build --work kept,
// unless -keep asks to leave it.
func (b *bench) removeWorkDir(dir string) {
	if !*flagKeep && dir != "" && strings.HasPrefix(filepath.Base(dir), "weld-") {
		os.RemoveAll(dir)
	}
}

// stripOutputs removes the top-level outputs: section from a weld.yaml: the
// key's line and every following line that is indented, blank or a
// comment, up to the next top-level key.
func stripOutputs(manifest string) (string, bool) {
	var kept []string
	found, in := false, false
	for _, line := range strings.SplitAfter(manifest, "\n") {
		if strings.HasPrefix(line, "outputs:") {
			found, in = true, true
			continue
		}
		if in {
			t := strings.TrimSpace(line)
			if t == "" || strings.HasPrefix(t, "#") || line[0] == ' ' || line[0] == '\t' {
				continue
			}
			in = false
		}
		kept = append(kept, line)
	}
	return strings.Join(kept, ""), found
}

// findRepo returns dir, or the nearest parent of the working directory
// whose go.mod declares module github.com/weldgo/weld.
func findRepo(dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/weldgo/weld\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the weld repository; use -repo")
		}
		dir = parent
	}
}

// copyTree copies the regular files and directories under src to dst,
// skipping build output (dist/).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if d.Name() == "dist" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
