package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/weldgo/weld/bench/manyplugins"
)

// pluginsSite is one synthetic composition of N local plugins
// (bench/manyplugins) and the go build that weld runs for it, replayed.
type pluginsSite struct {
	n       int
	dir     string
	replay  cmd
	out     string // the replayed go build's output
	workDir string // weld's kept --work directory, which the replay's -overlay points into
	goCmds  []string
}

// pluginsResult holds the samples of one composition: weld and its
// baseline for each scenario.
type pluginsResult struct {
	site                   *pluginsSite
	first, locked, baseRel samples // baseRel: go build that links, paired with first and locked
	noop, baseNoop         samples
	// cpu holds the CPU time (user + system, of the command and every
	// process it waited for) of the same runs, by the name of the wall
	// samples: on a loaded machine it varies much less than wall time.
	cpu  map[string]samples
	hits int
}

// timed runs c and returns its wall-clock time, recording its CPU time
// (of the whole process tree) under key.
func (r *pluginsResult) timed(key string, c cmd, check func(stderr string)) (time.Duration, error) {
	x, stdout, stderr := c.command()
	start := time.Now()
	err := x.Run()
	wall := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s: %v\n%s%s", c, err, stdout.String(), stderr.String())
	}
	// wait4 reports the process's own usage plus that of the children it
	// waited for, so this is weld and every go command it ran.
	r.cpu[key] = append(r.cpu[key], x.ProcessState.UserTime()+x.ProcessState.SystemTime())
	if check != nil {
		check(stderr.String())
	}
	return wall, nil
}

// runPlugins measures weld's own overhead against go build for synthetic
// compositions of each plugin count in counts.
func runPlugins(b *bench, counts []int) error {
	env := environment(b.repo)
	var results []*pluginsResult
	for _, n := range counts {
		s, err := preparePlugins(b, n)
		if s != nil && s.workDir != "" {
			defer b.removeWorkDir(s.workDir)
		}
		if err != nil {
			return fmt.Errorf("%d plugins: %w", n, err)
		}
		r, err := measurePlugins(b, s)
		if err != nil {
			return fmt.Errorf("%d plugins: %w", n, err)
		}
		results = append(results, r)
	}
	printPlugins(os.Stdout, env, results)
	return nil
}

// preparePlugins writes the composition, locks it, fills weld's cache and
// takes the replayed go build from a -v --work build.
func preparePlugins(b *bench, n int) (*pluginsSite, error) {
	s := &pluginsSite{n: n, dir: filepath.Join(b.tmp, fmt.Sprintf("plugins-%d", n))}
	s.out = filepath.Join(b.tmp, "baseline", fmt.Sprintf("plugins-%d", n), "manyapp")
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := manyplugins.Write(s.dir, n); err != nil {
		return nil, err
	}
	log.Printf("%d plugins: weld lock and warm-up builds in %s", n, s.dir)
	if _, _, err := b.weldCmd(s.dir, "off", "lock").run(); err != nil {
		return nil, err
	}
	if _, _, err := b.weldCmd(s.dir, b.cache, "build").run(); err != nil {
		return nil, err
	}
	_, stderr, err := b.weldCmd(s.dir, "off", "build", "-v", "--work").run()
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(stderr, "\n") {
		if dir, ok := strings.CutPrefix(line, "work directory: "); ok {
			s.workDir = strings.TrimSpace(dir)
		}
		if _, rest, ok := strings.Cut(line, " go "); ok && strings.HasPrefix(line, "+ cd ") {
			s.goCmds = append(s.goCmds, shortGoCmd(strings.Fields(rest)))
		}
	}
	if s.replay, err = parseGoBuild(stderr, s.out); err != nil {
		return s, err
	}
	if err := os.MkdirAll(filepath.Dir(s.out), 0o755); err != nil {
		return s, err
	}
	_, _, err = s.replay.run()
	return s, err
}

// measurePlugins interleaves, in each round: a first build (no lock, no
// cache: resolve and compile), a locked build with --no-cache (compile,
// the composition restored from weld's cache), and the go build that
// links; then, in a second loop, the no-op build and go build's no-op.
func measurePlugins(b *bench, s *pluginsSite) (*pluginsResult, error) {
	r := &pluginsResult{site: s, cpu: map[string]samples{}}
	lockFile := filepath.Join(s.dir, "weld.lock")
	lockData, err := os.ReadFile(lockFile)
	if err != nil {
		return nil, err
	}
	first := func() (time.Duration, error) {
		// Untimed: the lock is removed so that weld resolves as on a
		// first build, and restored afterwards for the locked build.
		if err := os.Remove(lockFile); err != nil {
			return 0, err
		}
		d, err := r.timed("first", b.weldCmd(s.dir, "off", "build"), nil)
		if err == nil {
			err = os.WriteFile(lockFile, lockData, 0o644)
		}
		return d, err
	}
	locked := func() (time.Duration, error) {
		return r.timed("locked", b.weldCmd(s.dir, b.cache, "build", "--locked", "--no-cache"), nil)
	}
	goBuildFresh := func() (time.Duration, error) {
		// go build skips the link when -o names an up-to-date binary,
		// and weld links into a fresh file: remove it, untimed.
		if err := os.Remove(s.out); err != nil && !os.IsNotExist(err) {
			return 0, err
		}
		return r.timed("baseRel", s.replay, nil)
	}
	goBuildNoop := func() (time.Duration, error) { return r.timed("baseNoop", s.replay, nil) }
	noop := func() (time.Duration, error) {
		return r.timed("noop", b.weldCmd(s.dir, b.cache, "build"), func(stderr string) {
			if strings.Contains(stderr, "from cache") {
				r.hits++
			}
		})
	}
	log.Printf("%d plugins: first, locked --no-cache and go build (%d rounds of 3)", s.n, *flagN)
	got, err := interleave(*flagN, first, locked, goBuildFresh)
	if err != nil {
		return nil, err
	}
	r.first, r.locked, r.baseRel = got[0], got[1], got[2]
	log.Printf("%d plugins: no-op (%d rounds of 2)", s.n, *flagN)
	if got, err = interleave(*flagN, noop, goBuildNoop); err != nil {
		return nil, err
	}
	r.noop, r.baseNoop = got[0], got[1]
	return r, nil
}

// parseCounts reads a comma-separated list of plugin counts.
func parseCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-plugins: %q is not a positive plugin count", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func printPlugins(w io.Writer, env [][2]string, results []*pluginsResult) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| plugins | build | N | median ms | min–max ms | go build median ms | overhead ms (difference of medians) | ratio of medians | paired ratio | CPU ms: weld / go build (medians) | target |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		rows := []struct {
			name, key, baseKey string
			s, base            samples
			judged             bool
		}{
			{"first build: resolve + compile (`WELD_CACHE=off`, no weld.lock)", "first", "baseRel", r.first, r.baseRel, true},
			{"locked, `--locked --no-cache`: compile", "locked", "baseRel", r.locked, r.baseRel, true},
			{"no-op (output cache on)", "noop", "baseNoop", r.noop, r.baseNoop, false},
		}
		for _, x := range rows {
			over := x.s.median() - x.base.median()
			target := "—"
			if x.judged && r.site.n == 100 {
				target = "overhead < 1000 ms: **met**"
				if over >= time.Second {
					target = "overhead < 1000 ms: **missed**"
				}
			}
			fmt.Fprintf(w, "| %d | %s | %d | %s | %s–%s | %s | %s | %.3f× | %.3f× | %s / %s | %s |\n",
				r.site.n, x.name, len(x.s), ms(x.s.median()), ms(x.s.min()), ms(x.s.max()), ms(x.base.median()),
				signedMs(over), float64(x.s.median())/float64(x.base.median()), x.s.pairedRatio(x.base),
				ms(r.cpu[x.key].median()), ms(r.cpu[x.baseKey].median()), target)
		}
	}
	fmt.Fprintln(w)
	for _, r := range results {
		fmt.Fprintf(w, "- %d plugins: no-op builds served from the output cache: %d/%d; go commands of one `WELD_CACHE=off` build: %s\n",
			r.site.n, r.hits, len(r.noop), strings.Join(r.site.goCmds, "; "))
	}
	fmt.Fprintf(w, "- runs per command: %d, interleaved in rounds (first, locked, go build; then no-op, go build no-op)\n", *flagN)
	fmt.Fprintln(w, "- CPU time is user + system time of the command and every process it waited for (wait4's rusage): weld and all its go commands, or go build and its compilers and linker")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| environment | |")
	fmt.Fprintln(w, "|---|---|")
	for _, kv := range env {
		fmt.Fprintf(w, "| %s | %s |\n", kv[0], kv[1])
	}
	fmt.Fprintf(w, "| load average at end | %s |\n", loadAvg())
}

func signedMs(d time.Duration) string {
	if d < 0 {
		return "−" + ms(-d)
	}
	return "+" + ms(d)
}
