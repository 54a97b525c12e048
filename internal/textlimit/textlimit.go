// Package textlimit bounds the text weld prints about inputs of any size.
// A composition can have thousands of plugins and a go command can print
// megabytes, but an error message is read by a person: it shows the first
// items or lines and says how many it left out.
package textlimit

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Join joins at most max items with sep; when there are more, it ends
// with "… and N more".
func Join(items []string, sep string, max int) string {
	if len(items) <= max {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:max], sep) + fmt.Sprintf("%s… and %d more", sep, len(items)-max)
}

// Lines keeps at most maxLines lines and maxBytes bytes of s; when it cuts,
// a last line says how many lines it left out.
func Lines(s string, maxLines, maxBytes int) string {
	return cutLines(s, countLines(s), maxLines, maxBytes)
}

// Clip keeps at most maxBytes bytes of s, cut at a character boundary, and
// says how many bytes it left out.
func Clip(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	n := maxBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + fmt.Sprintf("… and %d more bytes", len(s)-n)
}

// countLines counts lines the way a reader does: "a\nb" and "a\nb\n" are
// two lines each.
func countLines(s string) int {
	if s == "" {
		return 0
	}
	n := strings.Count(s, "\n")
	if !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}

// cutLines keeps the head of s, which is the start of a text of total
// lines, within maxLines and maxBytes.
func cutLines(s string, total, maxLines, maxBytes int) string {
	if total <= maxLines && len(s) <= maxBytes {
		return s
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	kept, size := 0, 0
	for _, l := range lines {
		if kept == maxLines || size+len(l) > maxBytes {
			break
		}
		kept++
		size += len(l) + 1
	}
	if kept == total {
		return strings.Join(lines, "\n")
	}
	if kept == 0 {
		// The first line alone is longer than maxBytes: keep its head.
		return Clip(lines[0], maxBytes) + fmt.Sprintf("\n… and %d more lines", total-1)
	}
	return strings.Join(lines[:kept], "\n") + fmt.Sprintf("\n… and %d more lines", total-kept)
}

// Head is an io.Writer that keeps the start of what is written to it,
// within MaxLines lines and MaxBytes bytes, and counts the rest, so that
// capturing a command's output costs bounded memory whatever the command
// prints.
type Head struct {
	MaxLines, MaxBytes int
	buf                []byte
	newlines           int
	last               byte
}

func (h *Head) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if room := h.MaxBytes + 1 - len(h.buf); room > 0 {
		// One byte more than MaxBytes tells String that it must cut.
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	h.newlines += bytes.Count(p, []byte{'\n'})
	h.last = p[len(p)-1]
	return len(p), nil
}

// String returns the kept start of the text and, when something was left
// out, a last line that says how many lines.
func (h *Head) String() string {
	total := h.newlines
	if len(h.buf) > 0 && h.last != '\n' {
		total++
	}
	return cutLines(string(h.buf), total, h.MaxLines, h.MaxBytes)
}
