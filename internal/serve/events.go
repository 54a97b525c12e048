package serve

import (
	"bytes"
	"context"
	"sync"
)

// eventLog keeps a build's events (JSON lines, docs/events.md) for every
// client that streams them, from the first, however late it comes.
type eventLog struct {
	mu     sync.Mutex
	lines  [][]byte
	closed bool
	// changed is closed, and replaced, whenever a line is added or the
	// log is closed.
	changed chan struct{}
}

func newEventLog() *eventLog { return &eventLog{changed: make(chan struct{})} }

// Write adds one event line: progress.JSON writes each event in one call.
func (l *eventLog) Write(p []byte) (int, error) {
	line := bytes.TrimRight(p, "\n")
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.lines = append(l.lines, bytes.Clone(line))
		close(l.changed)
		l.changed = make(chan struct{})
	}
	return len(p), nil
}

// Close marks the end of the events.
func (l *eventLog) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.changed)
	}
}

// since returns the lines from index i, whether the log is closed, and a
// channel closed when there is more.
func (l *eventLog) since(i int) (lines [][]byte, closed bool, more <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i < len(l.lines) {
		lines = l.lines[i:]
	}
	return lines, l.closed, l.changed
}

// follow calls emit for every line, as they come, until the log is closed
// or ctx is done.
func (l *eventLog) follow(ctx context.Context, emit func([]byte) error) error {
	next := 0
	for {
		lines, closed, more := l.since(next)
		for _, line := range lines {
			if err := emit(line); err != nil {
				return err
			}
		}
		next += len(lines)
		if closed && len(lines) == 0 {
			return nil
		}
		if len(lines) > 0 {
			continue
		}
		select {
		case <-more:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ndjson is the log's lines, one per line.
func (l *eventLog) ndjson() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append(bytes.Join(l.lines, []byte("\n")), '\n')
}
