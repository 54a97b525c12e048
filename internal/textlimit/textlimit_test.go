package textlimit

import (
	"fmt"
	"strings"
	"testing"
)

func numbered(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("item%d", i))
	}
	return out
}

func TestJoin(t *testing.T) {
	tests := []struct {
		items []string
		max   int
		want  string
	}{
		{nil, 3, ""},
		{numbered(3), 3, "item0, item1, item2"},
		{numbered(4), 3, "item0, item1, item2, … and 1 more"},
		{numbered(100000), 2, "item0, item1, … and 99998 more"},
	}
	for _, tt := range tests {
		if got := Join(tt.items, ", ", tt.max); got != tt.want {
			t.Errorf("Join(%d items, %d) = %q, want %q", len(tt.items), tt.max, got, tt.want)
		}
	}
}

func TestLines(t *testing.T) {
	many := strings.Join(numbered(5000), "\n") + "\n"
	tests := []struct {
		name               string
		s                  string
		maxLines, maxBytes int
		want               string
	}{
		{"empty", "", 2, 10, ""},
		{"fits", "a\nb\n", 2, 10, "a\nb\n"},
		{"too many lines", "a\nb\nc\nd\n", 2, 100, "a\nb\n… and 2 more lines"},
		{"no final newline", "a\nb\nc", 1, 100, "a\n… and 2 more lines"},
		{"too many bytes", "aaaa\nbbbb\ncccc\n", 10, 10, "aaaa\nbbbb\n… and 1 more lines"},
		{"one long line", strings.Repeat("x", 20) + "\nshort\n", 10, 8, "xxxxxxxx… and 12 more bytes\n… and 1 more lines"},
		{"thousands of lines", many, 3, 1 << 20, "item0\nitem1\nitem2\n… and 4997 more lines"},
		{"trailing newline only over by one", "aaaa\nbbbb\n", 10, 9, "aaaa\nbbbb"},
	}
	for _, tt := range tests {
		if got := Lines(tt.s, tt.maxLines, tt.maxBytes); got != tt.want {
			t.Errorf("%s: Lines = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"0123456789abc", 10, "0123456789… and 3 more bytes"},
		{"ééé", 3, "é… and 4 more bytes"}, // never splits a character
	}
	for _, tt := range tests {
		if got := Clip(tt.s, tt.max); got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

// TestHead writes a 30 MB text in small pieces: Head keeps only its start,
// and its text says how many lines it dropped.
func TestHead(t *testing.T) {
	h := &Head{MaxLines: 3, MaxBytes: 1 << 10}
	line := []byte(strings.Repeat("e", 29) + "\n")
	for i := 0; i < 1_000_000; i++ {
		h.Write(line)
	}
	if len(h.buf) > h.MaxBytes+1 {
		t.Errorf("Head kept %d bytes, want at most %d", len(h.buf), h.MaxBytes+1)
	}
	want := strings.Repeat(string(line), 3) + "… and 999997 more lines"
	if got := h.String(); got != want {
		t.Errorf("Head.String() = %q, want %q", got, want)
	}

	small := &Head{MaxLines: 10, MaxBytes: 100}
	small.Write([]byte("one\ntwo"))
	if got := small.String(); got != "one\ntwo" {
		t.Errorf("Head.String() of a short text = %q, want it unchanged", got)
	}
}
