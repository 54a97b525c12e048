// Package progress reports what a command is doing as events: steps
// started and finished, warnings, notes, artifacts, verification results
// and the error a command ends with. Every stage reports through it, so
// the output of a command comes from one place, and the text a person
// reads and the JSON lines a machine reads (--json) are two renderings of
// the same events: they cannot disagree.
package progress

import (
	"errors"
	"io"
	"sync"
	"time"

	"github.com/weldgo/weld/internal/spec"
)

// Steps sends a command's events to its sinks. A nil *Steps reports
// nothing.
type Steps struct {
	mu    sync.Mutex
	sinks []Sink
	now   func() time.Time
}

// Sink renders events. Emit is called with the Steps' lock held, one
// event at a time.
type Sink interface {
	Emit(e Event)
}

// New returns Steps that print the human text to w: steps, warnings and
// notes (artifact lines, which commands print to standard output, need
// NewText).
func New(w io.Writer) *Steps { return NewText(nil, w) }

// NewText returns Steps that print artifact lines to out and everything
// else to err, as text.
func NewText(out, err io.Writer) *Steps {
	return &Steps{sinks: []Sink{&Text{Out: out, Err: err}}, now: time.Now}
}

// NewJSON returns Steps that write one JSON object per event to jsonOut
// and the human text, artifacts included, to text.
func NewJSON(jsonOut, text io.Writer) *Steps {
	return &Steps{sinks: []Sink{&JSON{W: jsonOut}, &Text{Out: text, Err: text}}, now: time.Now}
}

// NewJSONOnly returns Steps that write the JSON events to w and no text
// (weld run --json: the program's own output is the text).
func NewJSONOnly(w io.Writer) *Steps {
	return &Steps{sinks: []Sink{&JSON{W: w}}, now: time.Now}
}

// Add sends the events to one more sink as well (weld serve streams
// them to its clients).
func (s *Steps) Add(k Sink) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sinks = append(s.sinks, k)
}

// Structured says whether a sink renders every field of an event (JSON),
// so that a command computes the fields text leaves out (an artifact's
// sha256) only when someone reads them.
func (s *Steps) Structured() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.sinks {
		if _, ok := k.(*JSON); ok {
			return true
		}
	}
	return false
}

func (s *Steps) emit(e Event) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e.V = SchemaVersion
	e.Time = s.now().UTC()
	for _, k := range s.sinks {
		k.Emit(e)
	}
}

// Start begins a step; calling the returned function ends it.
func (s *Steps) Start(name, detail string) (done func()) {
	if s == nil {
		return func() {}
	}
	start := s.now()
	s.emit(Event{Type: StepStarted, Step: name, Detail: detail})
	return func() {
		s.emit(Event{Type: StepFinished, Step: name, Detail: detail, Seconds: s.now().Sub(start).Seconds()})
	}
}

// FromCache reports a step whose output came from weld's cache, under
// key, instead of being done.
func (s *Steps) FromCache(name, detail, key string) {
	s.emit(Event{Type: StepFinished, Step: name, Detail: detail, Cached: key})
}

// Warn reports a warning.
func (s *Steps) Warn(msg string) { s.emit(Event{Type: Warning, Message: msg}) }

// Note reports an informational line.
func (s *Steps) Note(msg string) { s.emit(Event{Type: Note, Message: msg}) }

// Artifact reports a file or image the command made. Text is the line a
// person reads on standard output; the event's fields say it for machines.
func (s *Steps) Artifact(a ArtifactInfo, text string) {
	s.emit(Event{Type: Artifact, Artifact: &a, Message: text})
}

// Verified reports one artifact's verification.
func (s *Steps) Verified(v VerifyInfo) { s.emit(Event{Type: Verified, Verify: &v}) }

// Fail reports the error a command ends with, with the manifest position
// it names, if any. (The text rendering is left to the caller, which
// prints "weld: ERROR" in every mode.)
func (s *Steps) Fail(err error) {
	e := Event{Type: Error, Message: err.Error()}
	var se *spec.Error
	if errors.As(err, &se) && se.Pos.File != "" {
		e.File, e.Line, e.Col = se.Pos.File, se.Pos.Line, se.Pos.Col
	}
	s.emit(e)
}
