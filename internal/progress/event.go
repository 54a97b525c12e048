package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// SchemaVersion is the version of the event schema, in every event's "v".
// Fields are only ever added within a version; removing or changing one
// makes a new version. docs/events.md describes it.
const SchemaVersion = 1

// The event types.
const (
	StepStarted  = "step-started"
	StepFinished = "step-finished"
	Warning      = "warning"
	Note         = "note"
	Artifact     = "artifact"
	Verified     = "verified"
	Error        = "error"
)

// Event is one thing a command reports. Which fields are set depends on
// Type; the JSON rendering leaves the others out.
type Event struct {
	V    int       `json:"v"`
	Type string    `json:"type"`
	Time time.Time `json:"time"`
	// Step and Detail name a step; Seconds is how long it took.
	Step    string  `json:"step,omitempty"`
	Detail  string  `json:"detail,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
	// Cached is the cache key a step's output came from, when it did.
	Cached string `json:"cached,omitempty"`
	// Message is a warning's, note's or error's text, or an artifact's
	// text line.
	Message string `json:"message,omitempty"`
	// File, Line and Col locate an error in the manifest.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`

	Artifact *ArtifactInfo `json:"artifact,omitempty"`
	Verify   *VerifyInfo   `json:"verify,omitempty"`
}

// ArtifactInfo describes an artifact.
type ArtifactInfo struct {
	// Kind is binary, archive, deb, sbom, provenance, checksums,
	// signature, lock, image, index, layout, tarball, pushed or attached.
	Kind string `json:"kind"`
	// Path is the file or directory, for files.
	Path string `json:"path,omitempty"`
	// SHA256 is a file's sha256 (hex).
	SHA256 string `json:"sha256,omitempty"`
	// Target is the target it was built for, such as linux/arm64.
	Target string `json:"target,omitempty"`
	// Digest and Size are an image's manifest digest and its layers'
	// compressed size; Ref is where an image was pushed or attached.
	Digest string `json:"digest,omitempty"`
	Size   int64  `json:"size,omitempty"`
	Ref    string `json:"ref,omitempty"`
}

// VerifyInfo is the verification of one artifact.
type VerifyInfo struct {
	Artifact    string   `json:"artifact"`
	OK          bool     `json:"ok"`
	Checked     []string `json:"checked"`
	Differences []string `json:"differences,omitempty"`
}

// Text renders events as the lines a person reads: artifacts on Out
// (standard output, where scripts have always found the paths), the rest
// on Err.
type Text struct {
	Out, Err io.Writer
}

// Emit writes the event's line, if it has one.
func (t *Text) Emit(e Event) {
	switch e.Type {
	case StepFinished:
		if e.Cached != "" {
			fmt.Fprintf(t.Err, "%-10s %-48s from cache %s\n", e.Step, e.Detail, e.Cached)
			return
		}
		fmt.Fprintf(t.Err, "%-10s %-48s %6.2fs\n", e.Step, e.Detail, e.Seconds)
	case Warning:
		fmt.Fprintf(t.Err, "warning: %s\n", e.Message)
	case Note:
		fmt.Fprintf(t.Err, "%s\n", e.Message)
	case Artifact:
		if t.Out != nil && e.Message != "" {
			fmt.Fprintln(t.Out, e.Message)
		}
	case Verified:
		if t.Out == nil {
			return
		}
		v := e.Verify
		if v.OK {
			fmt.Fprintf(t.Out, "ok %s: %s\n", v.Artifact, joinComma(v.Checked))
			return
		}
		fmt.Fprintf(t.Out, "FAIL %s:\n", v.Artifact)
		for _, d := range v.Differences {
			fmt.Fprintf(t.Out, "  %s\n", d)
		}
	}
	// Step starts and errors have no text line here: a step is reported
	// once it ends, and the command prints its error itself.
}

func joinComma(s []string) string { return strings.Join(s, ", ") }

// JSON renders every event as one line of JSON.
type JSON struct {
	W io.Writer
}

// Emit writes the event.
func (j *JSON) Emit(e Event) {
	data, err := json.Marshal(e)
	if err != nil {
		return // every field is a plain value: cannot happen
	}
	j.W.Write(append(data, '\n'))
}
