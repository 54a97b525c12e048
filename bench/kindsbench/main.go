// Command kindsbench measures what reading plugin kinds from their
// factory types costs when weld resolves the OpenTelemetry Collector
// composition (the collector's module, the OTLP receiver and the debug
// exporter, v0.165.0). It times `weld lock` (which resolves every time)
// with each plugin's kind given in the manifest, the baseline, and with
// the kinds read from the plugins' NewFactory, in interleaved rounds, with
// the machine's module and build caches warm:
//
//	go run ./bench/kindsbench -n 9
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
	"sort"
	"time"
)

var flagN = flag.Int("n", 9, "measured runs of each manifest")

const manifest = `name: otelcol
app:
  module: go.opentelemetry.io/collector/otelcol
  version: v0.165.0
plugins:
  - module: go.opentelemetry.io/collector/receiver/otlpreceiver
    version: v0.165.0%s
  - module: go.opentelemetry.io/collector/exporter/debugexporter
    version: v0.165.0%s
`

func main() {
	log.SetFlags(0)
	log.SetPrefix("kindsbench: ")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "kindsbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	weld := filepath.Join(tmp, "weld")
	if out, err := exec.Command("go", "build", "-o", weld, "./cmd/weld").CombinedOutput(); err != nil {
		log.Fatalf("building weld (run from the repository root): %v\n%s", err, out)
	}
	dirs := map[string]string{
		"kinds given (baseline)": fmt.Sprintf(manifest, "\n    kind: receiver", "\n    kind: exporter"),
		"kinds read":             fmt.Sprintf(manifest, "", ""),
	}
	names := []string{"kinds given (baseline)", "kinds read"}
	for name, m := range dirs {
		dir := filepath.Join(tmp, fmt.Sprint(len(name)))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "weld.yaml"), []byte(m), 0o644); err != nil {
			log.Fatal(err)
		}
		dirs[name] = dir
	}
	times := map[string][]time.Duration{}
	for round := 0; round <= *flagN; round++ {
		for _, name := range names {
			cmd := exec.Command(weld, "lock")
			cmd.Dir = dirs[name]
			cmd.Env = append(os.Environ(), "WELD_CACHE="+filepath.Join(tmp, "cache"))
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				log.Fatalf("%s: weld lock: %v\n%s", name, err, out)
			}
			if round > 0 {
				times[name] = append(times[name], time.Since(start))
			}
		}
	}
	base := median(times[names[0]])
	fmt.Printf("| manifest | runs | median ms | min–max ms | ratio |\n|---|---|---|---|---|\n")
	for _, name := range names {
		ts := times[name]
		fmt.Printf("| weld lock, %s | %d | %.0f | %.0f–%.0f | %.3f× |\n", name, len(ts), ms(median(ts)), ms(ts[0]), ms(ts[len(ts)-1]), float64(median(ts))/float64(base))
	}
}

func median(ts []time.Duration) time.Duration {
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts[len(ts)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
