// Command weldbench measures weld's build speed on examples/imgserver against
// baselines measured in the same run: the plain go build weld runs, and an
// xcaddy-style rebuild of a generated main module.
//
// Run it from the repository root:
//
//	go run ./bench/weldbench -n 15
//	go run ./bench/weldbench -n 5 -plugins 10,100,1000
//
// The second form measures synthetic compositions of that many local
// plugins instead (see "Many plugins" in BENCHMARKS.md). It builds weld from the repository, copies examples/imgserver and sdk/
// into a temporary directory (the repository is never written), runs
// weld lock and warm-up builds there, then interleaves the runs of each
// scenario (ABAB...) and prints a markdown table of medians. See
// BENCHMARKS.md.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

var (
	flagN    = flag.Int("n", 15, "measured runs of each command")
	flagRepo = flag.String("repo", "", "weld repository root (default: found from the working directory)")
	flagKeep = flag.Bool("keep", false, "keep the temporary directory and weld's work directory")
	flagV    = flag.Bool("v", false, "print every command the harness runs")
	// With -plugins the harness measures synthetic compositions of that
	// many local plugins (bench/manyplugins) instead of the example.
	flagPlugins = flag.String("plugins", "", "comma-separated plugin counts, such as 10,100,1000: measure synthetic compositions instead of the example")
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("weldbench: ")
	flag.Parse()
	if *flagN < 1 {
		log.Fatal("-n must be at least 1")
	}
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// cmd is one command line with its directory and extra environment, which is
// appended to the harness's own environment (later entries win).
type cmd struct {
	dir  string
	env  []string
	name string
	args []string
}

func (c cmd) String() string {
	return fmt.Sprintf("+ cd %s; %s %s %s", c.dir, strings.Join(c.env, " "), c.name, strings.Join(c.args, " "))
}

// run executes c and returns its standard output and standard error. A
// failure includes both, so a broken harness says why.
func (c cmd) run() (string, string, error) {
	x, stdout, stderr := c.command()
	if err := x.Run(); err != nil {
		return stdout.String(), stderr.String(), fmt.Errorf("%s: %v\n%s%s", c, err, stdout.String(), stderr.String())
	}
	return stdout.String(), stderr.String(), nil
}

// command prepares c to run, with its output captured (and its command
// line printed with -v).
func (c cmd) command() (x *exec.Cmd, stdout, stderr *bytes.Buffer) {
	if *flagV {
		fmt.Fprintln(os.Stderr, c)
	}
	x = exec.Command(c.name, c.args...)
	x.Dir = c.dir
	x.Env = append(os.Environ(), c.env...)
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	x.Stdout, x.Stderr = stdout, stderr
	return x, stdout, stderr
}

// timeCmd turns f into a function that runs it once and returns its
// wall-clock duration.
func timeCmd(f func() error) func() (time.Duration, error) {
	return func() (time.Duration, error) {
		start := time.Now()
		err := f()
		return time.Since(start), err
	}
}

// interleave runs the functions in turn, n rounds (ABAB... or ABCABC...),
// and returns each one's durations.
func interleave(n int, fns ...func() (time.Duration, error)) ([]samples, error) {
	out := make([]samples, len(fns))
	for i := 0; i < n; i++ {
		for j, f := range fns {
			d, err := f()
			if err != nil {
				return nil, err
			}
			out[j] = append(out[j], d)
		}
	}
	return out, nil
}

// site is one copy of the example that weld builds.
type site struct {
	label string // how the report names it
	dir   string // its examples/<name> directory
	hits  int    // cache-on builds served from weld's output cache
}

func run() error {
	repo, err := findRepo(*flagRepo)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "weldbench-")
	if err != nil {
		return err
	}
	b := &bench{repo: repo, tmp: tmp, weld: filepath.Join(tmp, "weld"), cache: filepath.Join(tmp, "weldcache")}
	defer b.cleanup()

	log.Printf("building weld from %s", repo)
	if _, _, err := (cmd{dir: repo, name: "go", args: []string{"build", "-o", b.weld, "./cmd/weld"}}).run(); err != nil {
		return err
	}
	if *flagPlugins != "" {
		counts, err := parseCounts(*flagPlugins)
		if err != nil {
			return err
		}
		return runPlugins(b, counts)
	}
	if err := b.prepare(); err != nil {
		return err
	}
	bin := b.sites[0]
	xOff, err := newXcaddySim(b, bin.dir, "GOPROXY=off")
	if err != nil {
		return err
	}
	xNet, err := newXcaddySim(b, bin.dir)
	if err != nil {
		return err
	}
	for _, x := range []*xcaddySim{xOff, xNet} { // warm-up: fills GOCACHE for the main package
		if err := x.run(); err != nil {
			return fmt.Errorf("xcaddy-style warm-up: %w", err)
		}
		x.steps = map[string]samples{}
	}

	n := *flagN
	rep := report{env: environment(repo), sameBinary: b.sameBinary(), goCmds: b.goCmds, extra: b.extra}
	weldOff := func(s *site) func() (time.Duration, error) {
		return timeCmd(func() error { _, _, err := b.weldCmd(s.dir, "off", "build").run(); return err })
	}
	// --no-cache makes weld compile although its output cache holds the
	// binary; the composition cache still spares it the resolution, as in
	// any build whose lock matches.
	weldCompile := func(s *site) func() (time.Duration, error) {
		return timeCmd(func() error { _, _, err := b.weldCmd(s.dir, b.cache, "build", "--no-cache").run(); return err })
	}
	weldOn := func(s *site) func() (time.Duration, error) {
		return timeCmd(func() error {
			_, stderr, err := b.weldCmd(s.dir, b.cache, "build").run()
			if strings.Contains(stderr, "from cache") {
				s.hits++
			}
			return err
		})
	}
	goBuild := timeCmd(func() error { _, _, err := b.replay.run(); return err })
	// go build skips the link when -o names an up-to-date binary, and weld
	// always builds into a fresh temporary file; so that the baseline links
	// too, its output is removed (untimed) before each run.
	goBuildFresh := func() (time.Duration, error) {
		if err := os.Remove(b.baselineOut()); err != nil && !os.IsNotExist(err) {
			return 0, err
		}
		return goBuild()
	}

	var fns []func() (time.Duration, error)
	for _, s := range b.sites {
		fns = append(fns, weldCompile(s))
	}
	fns = append(fns, weldOff(bin))
	log.Printf("scenario 1/3: warm build that compiles (%d rounds of %d)", n, len(fns)+1)
	s1, err := interleave(n, append(fns, goBuildFresh)...)
	if err != nil {
		return err
	}
	fns = fns[:0]
	for _, s := range b.sites {
		fns = append(fns, weldOn(s))
	}
	// The baseline's output is left in place: a second go build with
	// nothing changed finds it up to date and does not link.
	log.Printf("scenario 2/3: no-op build (%d rounds of %d)", n, len(fns)+1)
	s2, err := interleave(n, append(fns, goBuild)...)
	if err != nil {
		return err
	}
	hits2 := make([]int, len(b.sites))
	for i, s := range b.sites {
		hits2[i] = s.hits
	}
	log.Printf("scenario 3/3: xcaddy-style rebuild vs weld (%d rounds of 4)", n)
	s3, err := interleave(n, timeCmd(xOff.run), timeCmd(xNet.run), weldOff(bin), weldOn(bin))
	if err != nil {
		return err
	}

	base1 := s1[len(b.sites)+1]
	for i, s := range b.sites {
		rep.rows = append(rep.rows, row{name: "1. weld build --no-cache, " + s.label, s: s1[i], base: base1, target: "≤ 1.05×"})
	}
	rep.rows = append(rep.rows,
		row{name: "1. weld build, `WELD_CACHE=off` (resolves too), " + bin.label, s: s1[len(b.sites)], base: base1},
		row{name: "1. plain `go build` (weld's command, replayed) — baseline", s: base1})
	for i, s := range b.sites {
		rep.rows = append(rep.rows, row{name: "2. weld build, no-op (output cache on), " + s.label, s: s2[i], base: s2[len(b.sites)], target: "< 1× and < 100 ms"})
	}
	rep.rows = append(rep.rows,
		row{name: "2. plain `go build`, no-op — baseline", s: s2[len(b.sites)]},
		row{name: "3. xcaddy-style: fresh module, go get, tidy, build; `GOPROXY=off` — baseline", s: s3[0]},
		row{name: "3. xcaddy-style, same with GOPROXY as configured", s: s3[1], base: s3[0]},
		row{name: "3. weld build, `WELD_CACHE=off`, " + bin.label, s: s3[2], base: s3[0]},
		row{name: "3. weld build, output cache on, " + bin.label, s: s3[3], base: s3[0]},
	)
	for i, s := range b.sites {
		line := fmt.Sprintf("%s: %d/%d in scenario 2", s.label, hits2[i], n)
		if s == bin {
			line += fmt.Sprintf(", %d/%d in scenario 3", s.hits-hits2[i], n)
		}
		rep.cacheHits = append(rep.cacheHits, line)
	}
	rep.xcaddySteps = [][][2]string{xOff.breakdown(), xNet.breakdown()}
	rep.vsNet = [2]float64{
		float64(s3[2].median()) / float64(s3[1].median()),
		float64(s3[3].median()) / float64(s3[1].median()),
	}
	rep.print(os.Stdout, n)
	return nil
}
