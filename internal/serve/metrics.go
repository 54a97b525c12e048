package serve

import (
	"fmt"
	"io"
	"sync"
)

// metrics are the server's counters, written in the Prometheus text
// exposition format (no client library: a handful of values).
type metrics struct {
	mu        sync.Mutex
	builds    map[string]int64 // by result
	cacheHits int64
	rejected  int64
	// durations of finished builds, as a histogram.
	buckets []float64
	counts  []int64
	sum     float64
	count   int64
}

func newMetrics() *metrics {
	b := []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800}
	return &metrics{builds: map[string]int64{}, buckets: b, counts: make([]int64, len(b))}
}

func (m *metrics) build(result string, seconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.builds[result]++
	if result != "succeeded" {
		return
	}
	for i, b := range m.buckets {
		if seconds <= b {
			m.counts[i]++
		}
	}
	m.sum += seconds
	m.count++
}

func (m *metrics) hit() {
	m.mu.Lock()
	m.cacheHits++
	m.mu.Unlock()
}

func (m *metrics) reject() {
	m.mu.Lock()
	m.rejected++
	m.mu.Unlock()
}

// write renders the metrics; queued and running are read at the time.
func (m *metrics) write(w io.Writer, queued, running int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(w, "# HELP weld_serve_queue_depth Builds admitted and waiting for a worker.\n# TYPE weld_serve_queue_depth gauge\nweld_serve_queue_depth %d\n", queued)
	fmt.Fprintf(w, "# HELP weld_serve_builds_running Builds running now.\n# TYPE weld_serve_builds_running gauge\nweld_serve_builds_running %d\n", running)
	fmt.Fprintf(w, "# HELP weld_serve_builds_total Builds run, by result.\n# TYPE weld_serve_builds_total counter\n")
	for _, r := range []string{"succeeded", "failed", "cancelled"} {
		fmt.Fprintf(w, "weld_serve_builds_total{result=%q} %d\n", r, m.builds[r])
	}
	fmt.Fprintf(w, "# HELP weld_serve_cache_hits_total Requests answered with a build already in the store.\n# TYPE weld_serve_cache_hits_total counter\nweld_serve_cache_hits_total %d\n", m.cacheHits)
	fmt.Fprintf(w, "# HELP weld_serve_rejected_total Requests refused because the queue was full.\n# TYPE weld_serve_rejected_total counter\nweld_serve_rejected_total %d\n", m.rejected)
	fmt.Fprintf(w, "# HELP weld_serve_build_duration_seconds Duration of successful builds.\n# TYPE weld_serve_build_duration_seconds histogram\n")
	for i, b := range m.buckets {
		fmt.Fprintf(w, "weld_serve_build_duration_seconds_bucket{le=\"%g\"} %d\n", b, m.counts[i])
	}
	fmt.Fprintf(w, "weld_serve_build_duration_seconds_bucket{le=\"+Inf\"} %d\n", m.count)
	fmt.Fprintf(w, "weld_serve_build_duration_seconds_sum %g\nweld_serve_build_duration_seconds_count %d\n", m.sum, m.count)
}
