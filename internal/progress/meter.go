package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Meter shows a long step's bytes and rate on a terminal, redrawn in place
// a few times a second, and erased when the step ends. Where standard
// error is not a terminal it shows nothing, so logs and --json output get
// no extra lines. A nil *Meter does nothing.
type Meter struct {
	w     io.Writer
	label string
	total int64 // 0 when unknown
	n     atomic.Int64
	start time.Time
	stop  chan struct{}
	done  sync.WaitGroup
	once  sync.Once
	drawn atomic.Bool
}

// meterEvery is how often a meter is redrawn.
const meterEvery = 250 * time.Millisecond

// Meter starts a meter for a step (such as "fetching", "sysroot arm64")
// that moves total bytes (0 when unknown), when the Steps print text to a
// terminal; otherwise it returns nil.
func (s *Steps) Meter(step, detail string, total int64) *Meter {
	w := s.terminal()
	if w == nil {
		return nil
	}
	m := &Meter{w: w, label: fmt.Sprintf("%-10s %s", step, detail), total: total, start: time.Now(), stop: make(chan struct{})}
	m.done.Add(1)
	go m.run()
	return m
}

// terminal returns the writer of the text sink when it is a terminal.
func (s *Steps) terminal() io.Writer {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.sinks {
		if t, ok := k.(*Text); ok && isTerminal(t.Err) {
			return t.Err
		}
	}
	return nil
}

// isTerminal says whether w is a terminal. TERM=dumb counts as none.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Add counts n more bytes.
func (m *Meter) Add(n int64) {
	if m != nil {
		m.n.Add(n)
	}
}

// Set sets the count (for a meter that measures rather than counts).
func (m *Meter) Set(n int64) {
	if m != nil {
		m.n.Store(n)
	}
}

// Done stops the meter and erases its line.
func (m *Meter) Done() {
	if m == nil {
		return
	}
	m.once.Do(func() {
		close(m.stop)
		m.done.Wait()
		if m.drawn.Load() {
			fmt.Fprint(m.w, "\r\033[K")
		}
	})
}

func (m *Meter) run() {
	defer m.done.Done()
	t := time.NewTicker(meterEvery)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			if n := m.n.Load(); n > 0 {
				fmt.Fprintf(m.w, "\r\033[K%s", m.Line(n, time.Since(m.start)))
				m.drawn.Store(true)
			}
		}
	}
}

// Line is the meter's text after n bytes in elapsed time.
func (m *Meter) Line(n int64, elapsed time.Duration) string {
	line := m.label + "  " + formatBytes(n)
	if m.total > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", formatBytes(m.total), n*100/m.total)
	}
	if s := elapsed.Seconds(); s > 0 {
		line += fmt.Sprintf("  %s/s", formatBytes(int64(float64(n)/s)))
	}
	return line
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}
