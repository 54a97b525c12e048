package progress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/spec"
)

// fakeClock advances one second per reading (each event reads it too, for
// its time).
func fakeClock() func() time.Time {
	t := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func TestTextAndJSONAreTheSameEvents(t *testing.T) {
	var jsonOut, text bytes.Buffer
	s := NewJSON(&jsonOut, &text)
	s.now = fakeClock()
	done := s.Start("compiling", "linux/amd64")
	done()
	s.Warn("careful")
	s.Artifact(ArtifactInfo{Kind: "binary", Path: "dist/app_linux_amd64/app", SHA256: "ab", Target: "linux/amd64"}, "dist/app_linux_amd64/app")
	s.Verified(VerifyInfo{Artifact: "x", OK: false, Checked: []string{"a"}, Differences: []string{"d1"}})
	s.Fail(fmt.Errorf("building linux/amd64: %w", &spec.Error{Pos: spec.Pos{File: "weld.yaml", Line: 10, Col: 5}, Msg: "plugin p needs C library"}))

	wantText := "compiling  linux/amd64                                        2.00s\n" +
		"warning: careful\n" +
		"dist/app_linux_amd64/app\n" +
		"FAIL x:\n  d1\n"
	if text.String() != wantText {
		t.Errorf("text:\n%q\nwant:\n%q", text.String(), wantText)
	}
	var types []string
	var last Event
	for _, line := range strings.Split(strings.TrimSpace(jsonOut.String()), "\n") {
		var e Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if e.V != SchemaVersion || e.Time.IsZero() {
			t.Errorf("event without version or time: %s", line)
		}
		types = append(types, e.Type)
		last = e
	}
	if got := strings.Join(types, " "); got != "step-started step-finished warning artifact verified error" {
		t.Errorf("event types %q", got)
	}
	if last.File != "weld.yaml" || last.Line != 10 || last.Col != 5 || !strings.Contains(last.Message, "plugin p needs C library") {
		t.Errorf("error event %+v: want the manifest position and the message", last)
	}
	if !strings.Contains(jsonOut.String(), `"seconds":2}`) || !strings.Contains(jsonOut.String(), `"sha256":"ab"`) {
		t.Errorf("JSON lacks the step's duration or the artifact's sha256:\n%s", jsonOut.String())
	}
}

func TestTextSendsArtifactsToStandardOutput(t *testing.T) {
	var out, errw bytes.Buffer
	s := NewText(&out, &errw)
	s.Note("wrote weld.lock")
	s.Artifact(ArtifactInfo{Kind: "deb", Path: "dist/app.deb"}, "dist/app.deb")
	if out.String() != "dist/app.deb\n" || errw.String() != "wrote weld.lock\n" {
		t.Errorf("stdout %q, stderr %q", out.String(), errw.String())
	}
	if s.Structured() {
		t.Error("text Steps claim to be structured")
	}
	var nilSteps *Steps
	nilSteps.Warn("nothing") // a nil *Steps reports nothing
}
