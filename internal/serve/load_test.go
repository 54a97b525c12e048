package serve

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/target"
)

// BenchmarkServeCachedGet is the load test: 16 clients on loopback ask
// for one composition, already built, with the one-line GET; it reports
// requests per second and the 99th percentile latency (BENCHMARKS.md).
//
//	go test ./internal/serve -run '^$' -bench ServeCachedGet -benchtime 2000x
func BenchmarkServeCachedGet(b *testing.B) {
	fixtureEnv(b)
	_, hs := startServer(b, b.TempDir(), nil)
	host := target.Host()
	url := fmt.Sprintf("%s/get?app=app&plugins=hello&os=%s&arch=%s", hs.URL, host.OS, host.Arch)
	var size atomic.Int64
	fetch := func(c *http.Client) error {
		resp, err := c.Get(url)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil {
			return err
		}
		size.Store(n)
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET: %s", resp.Status)
		}
		return nil
	}
	if err := fetch(http.DefaultClient); err != nil { // builds it
		b.Fatal(err)
	}
	const clients = 16
	latencies := make([]time.Duration, b.N)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := fetch(c); err != nil {
					b.Error(err)
					return
				}
				latencies[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(size.Load())/1e6, "MB/resp")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
}
