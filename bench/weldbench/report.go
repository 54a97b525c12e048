package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"
)

// samples are the durations of one command's measured runs, in run order.
type samples []time.Duration

func (s samples) sorted() samples {
	c := append(samples(nil), s...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	return c
}

func (s samples) median() time.Duration {
	c := s.sorted()
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func (s samples) min() time.Duration { return s.sorted()[0] }
func (s samples) max() time.Duration { return s.sorted()[len(s)-1] }

// pairedRatio is the median of the per-round ratios s[i]/base[i], which
// cancels slow drifts of the machine that hit both runs of a round.
func (s samples) pairedRatio(base samples) float64 {
	r := make([]float64, len(s))
	for i := range s {
		r[i] = float64(s[i]) / float64(base[i])
	}
	sort.Float64s(r)
	if len(r)%2 == 1 {
		return r[len(r)/2]
	}
	return (r[len(r)/2-1] + r[len(r)/2]) / 2
}

type row struct {
	name   string
	s      samples
	base   samples // nil for a baseline row
	target string
}

type report struct {
	env        [][2]string
	sameBinary string
	cacheHits  []string
	goCmds     []string
	extra      []string // files weld writes besides the binary, manifest as is
	// xcaddySteps is the median time of each step of the xcaddy-style
	// build, in order.
	xcaddySteps [][][2]string // GOPROXY=off, GOPROXY as configured
	// vsNet is weld (cache off, cache on) against the xcaddy-style build
	// with GOPROXY as configured.
	vsNet [2]float64
	rows  []row
}

func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	if f < 100 {
		return fmt.Sprintf("%.1f", f)
	}
	return fmt.Sprintf("%.0f", f)
}

func (r *report) print(w io.Writer, n int) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | N | median ms | min–max ms | ratio vs baseline (of medians) | paired ratio (median of per-round) | target |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, x := range r.rows {
		ratio, paired, target := "1 (baseline)", "—", x.target
		if x.base != nil {
			rm := float64(x.s.median()) / float64(x.base.median())
			pr := x.s.pairedRatio(x.base)
			ratio = fmt.Sprintf("%.3f×", rm)
			paired = fmt.Sprintf("%.3f×", pr)
			if target != "" {
				// On a noisy machine the two ratios disagree; judge by
				// the less favourable one.
				target += verdict(x, max(rm, pr))
			}
		}
		if target == "" {
			target = "—"
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s–%s | %s | %s | %s |\n",
			x.name, len(x.s), ms(x.s.median()), ms(x.s.min()), ms(x.s.max()), ratio, paired, target)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- baseline binary identical to weld's: %s\n", r.sameBinary)
	fmt.Fprintf(w, "- go commands one `WELD_CACHE=off` weld build runs (from `-v`): %s\n", strings.Join(r.goCmds, "; "))
	if len(r.extra) > 0 {
		fmt.Fprintf(w, "- weld.yaml as is also writes on every build: %s\n", strings.Join(r.extra, ", "))
	}
	fmt.Fprintf(w, "- no-op weld builds served from the output cache: %s\n", strings.Join(r.cacheHits, "; "))
	for i, label := range []string{"`GOPROXY=off`", "GOPROXY as configured"} {
		fmt.Fprintf(w, "- xcaddy-style build (%s), median ms per step:", label)
		for j, kv := range r.xcaddySteps[i] {
			sep := ","
			if j == 0 {
				sep = ""
			}
			fmt.Fprintf(w, "%s %s %s", sep, kv[0], kv[1])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "- weld vs the xcaddy-style build with GOPROXY as configured (ratio of medians): %.3f× with `WELD_CACHE=off`, %.3f× with the output cache\n", r.vsNet[0], r.vsNet[1])
	fmt.Fprintf(w, "- runs per command: %d, interleaved in rounds: each round runs every command of its scenario once, in table order; targets are judged by the higher of the two ratios\n", n)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| environment | |")
	fmt.Fprintln(w, "|---|---|")
	for _, kv := range r.env {
		fmt.Fprintf(w, "| %s | %s |\n", kv[0], kv[1])
	}
	fmt.Fprintf(w, "| load average at end | %s |\n", loadAvg())
}

// verdict says whether a row met its target, and by how much it missed.
func verdict(x row, ratio float64) string {
	switch {
	case strings.HasPrefix(x.target, "≤ 1.05"):
		if ratio <= 1.05 {
			return ": **met**"
		}
		return fmt.Sprintf(": **missed** (%.3f×, over by %.3f×)", ratio, ratio-1.05)
	case strings.HasPrefix(x.target, "< 1×"):
		med := x.s.median()
		if ratio < 1 && med < 100*time.Millisecond {
			return ": **met**"
		}
		return fmt.Sprintf(": **missed** (%.3f×, %s ms)", ratio, ms(med))
	}
	return ""
}

// environment describes the machine and the weld revision measured.
func environment(repo string) [][2]string {
	out := func(dir, name string, args ...string) string {
		c := exec.Command(name, args...)
		c.Dir = dir
		b, err := c.Output()
		if err != nil {
			return "unknown"
		}
		return strings.TrimSpace(string(b))
	}
	rev := out(repo, "git", "rev-parse", "--short", "HEAD")
	if rev != "unknown" && out(repo, "git", "status", "--porcelain", "--untracked-files=no") != "" {
		rev += " + uncommitted changes"
	}
	return [][2]string{
		{"date", time.Now().UTC().Format("2006-01-02 15:04 MST")},
		{"go", out(repo, "go", "version")},
		{"nproc", fmt.Sprint(runtime.NumCPU())},
		{"cpu", cpuModel()},
		{"os", out(repo, "uname", "-sr")},
		{"weld revision", rev},
		{"load average at start (1, 5, 15 min)", loadAvg()},
	}
}

// loadAvg returns the first three fields of /proc/loadavg: other work on
// the machine shows up here and in the spread of the samples.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
