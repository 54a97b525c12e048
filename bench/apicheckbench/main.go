// Command apicheckbench measures what the plugins' API check costs when a
// composition resolves. It composes N versioned plugins, each written
// against example.com/api v1.0.0 (from testdata/mod, served by a file
// GOPROXY), with two releases of the app: example.com/apiapp v0.9.0,
// which selects api v1.0.0 too, so nothing is compared (the baseline), and
// v1.0.0, which selects api v1.1.0, so every plugin is checked. It times
// `weld lock` with the lock removed and weld's cache off (so it resolves
// and checks every time), in interleaved rounds, with the module and
// build caches warm:
//
//	go run ./bench/apicheckbench -n 5 -plugins 10,100
//
// The first round, not measured, fills the caches.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/testproxy"
)

var (
	flagN       = flag.Int("n", 5, "measured runs of each manifest")
	flagPlugins = flag.String("plugins", "10,100", "plugin counts, comma-separated")
)

// plugin is a versioned plugin written against example.com/api v1.0.0
// that uses nothing v1.1.0 breaks, so that the check finds nothing and
// the build goes on.
const plugin = `-- go.mod --
module example.com/apibench/p%[1]d

go 1.22

require example.com/api v1.0.0
-- p.go --
package p%[1]d

import "example.com/api"

type shape struct{}

func (shape) Name() string { return "shape-%[1]d" }

func (shape) Area() float64 { return %[1]d }

func init() {
	api.Register(shape{})
	_ = api.Version()
}
`

var checkingLine = regexp.MustCompile(`(?m)^checking .* ([0-9.]+)s$`)

func main() {
	log.SetFlags(0)
	log.SetPrefix("apicheckbench: ")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "apicheckbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	weld := filepath.Join(tmp, "weld")
	if out, err := exec.Command("go", "build", "-o", weld, "./cmd/weld").CombinedOutput(); err != nil {
		log.Fatalf("building weld (run from the repository root): %v\n%s", err, out)
	}
	var counts []int
	for _, s := range strings.Split(*flagPlugins, ",") {
		n, err := strconv.Atoi(s)
		if err != nil {
			log.Fatalf("-plugins: %v", err)
		}
		counts = append(counts, n)
	}
	max := 0
	for _, n := range counts {
		max = maxInt(max, n)
	}
	proxy := buildProxy(tmp, max)
	env := append(os.Environ(), "GOPROXY="+testproxy.URL(proxy), "GOSUMDB=off", "GOFLAGS=-modcacherw",
		"GOMODCACHE="+filepath.Join(tmp, "modcache"), "WELD_CACHE=off", "GOTOOLCHAIN=local")
	fmt.Println("| plugins | app | N | weld lock median ms | min–max ms | checking step median ms |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, n := range counts {
		apps := []string{"v0.9.0", "v1.0.0"}
		dirs := map[string]string{}
		for _, app := range apps {
			dir := filepath.Join(tmp, fmt.Sprintf("n%d-%s", n, app))
			writeManifest(dir, app, n)
			dirs[app] = dir
		}
		total := map[string][]time.Duration{}
		check := map[string][]time.Duration{}
		for round := 0; round <= *flagN; round++ {
			for _, app := range apps {
				os.Remove(filepath.Join(dirs[app], "weld.lock"))
				cmd := exec.Command(weld, "lock")
				cmd.Dir, cmd.Env = dirs[app], env
				start := time.Now()
				out, err := cmd.CombinedOutput()
				if err != nil {
					log.Fatalf("%d plugins, app %s: weld lock: %v\n%s", n, app, err, out)
				}
				if round == 0 {
					continue
				}
				total[app] = append(total[app], time.Since(start))
				if m := checkingLine.FindSubmatch(out); m != nil {
					s, _ := strconv.ParseFloat(string(m[1]), 64)
					check[app] = append(check[app], time.Duration(s*float64(time.Second)))
				}
			}
		}
		for _, app := range apps {
			t := total[app]
			sort.Slice(t, func(i, j int) bool { return t[i] < t[j] })
			checkMs := "— (nothing to compare)"
			if c := check[app]; len(c) > 0 {
				sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
				checkMs = ms(c[len(c)/2])
			}
			fmt.Printf("| %d | %s | %d | %s | %s–%s | %s |\n", n, app, len(t), ms(t[len(t)/2]), ms(t[0]), ms(t[len(t)-1]), checkMs)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d)/float64(time.Millisecond)) }

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// buildProxy serves testdata/mod and n generated plugins.
func buildProxy(tmp string, n int) string {
	src := filepath.Join(tmp, "proxysrc")
	if err := os.MkdirAll(src, 0o755); err != nil {
		log.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "mod"))
	if err != nil {
		log.Fatalf("reading testdata/mod (run from the repository root): %v", err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "mod", e.Name()))
		if err == nil {
			err = os.WriteFile(filepath.Join(src, e.Name()), data, 0o644)
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		name := filepath.Join(src, fmt.Sprintf("example.com_apibench_p%d_v1.0.0.txtar", i))
		if err := os.WriteFile(name, []byte(fmt.Sprintf(plugin, i)), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	proxy := filepath.Join(tmp, "proxy")
	if err := testproxy.Build(src, proxy); err != nil {
		log.Fatal(err)
	}
	return proxy
}

func writeManifest(dir, app string, n int) {
	var b strings.Builder
	fmt.Fprintf(&b, "name: apibench\napp:\n  module: example.com/apiapp\n  version: %s\nplugins:\n", app)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {module: example.com/apibench/p%d, version: v1.0.0}\n", i)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "weld.yaml"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}
