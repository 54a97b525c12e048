// Package progress prints what a build is doing: one line per step, warnings
// and notes. Every stage reports through it, so that the output of a
// command comes from one place.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Steps prints the short progress lines of a build: one line per step,
// with its duration, and warnings as they come. A nil *Steps prints nothing.
type Steps struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

// New returns a Steps printing to w.
func New(w io.Writer) *Steps { return &Steps{w: w, now: time.Now} }

// Start begins a step; calling the returned function ends it and prints
// its line.
func (s *Steps) Start(name, detail string) (done func()) {
	if s == nil {
		return func() {}
	}
	start := s.now()
	return func() {
		s.printf("%-10s %-48s %6.2fs\n", name, detail, s.now().Sub(start).Seconds())
	}
}

// Warn prints a warning line.
func (s *Steps) Warn(msg string) {
	if s != nil {
		s.printf("warning: %s\n", msg)
	}
}

// Note prints an informational line.
func (s *Steps) Note(msg string) {
	if s != nil {
		s.printf("%s\n", msg)
	}
}

func (s *Steps) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.w, format, args...)
}
