package gobuild

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestBatches(t *testing.T) {
	tests := []struct {
		name     string
		items    []string
		maxBytes int
		want     [][]string
	}{
		{"none", nil, 10, nil},
		{"one batch", []string{"a", "b", "c"}, 10, [][]string{{"a", "b", "c"}}},
		// Each item counts its length plus one separator: "aaa bbb " is 8.
		{"split at the limit", []string{"aaa", "bbb", "ccc"}, 8, [][]string{{"aaa", "bbb"}, {"ccc"}}},
		{"an item over the limit stands alone", []string{"a", "toolongforit", "b"}, 5, [][]string{{"a"}, {"toolongforit"}, {"b"}}},
	}
	for _, tt := range tests {
		if got := Batches(tt.items, tt.maxBytes); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Batches = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestBatchesBound splits the queries of ten thousand plugins: no batch is
// over the limit, and together they are the input, in order.
func TestBatchesBound(t *testing.T) {
	var items []string
	for i := 0; i < 10000; i++ {
		items = append(items, fmt.Sprintf("example.com/some/plugin%05d@v1.2.3", i))
	}
	var joined []string
	for _, b := range Batches(items, MaxListBytes) {
		if n := len(strings.Join(b, " ")); n > MaxListBytes {
			t.Errorf("batch of %d bytes, over %d", n, MaxListBytes)
		}
		joined = append(joined, b...)
	}
	if !reflect.DeepEqual(joined, items) {
		t.Errorf("batches do not add up to the input")
	}
}

// TestErrorTextBounded runs a go command that fails after printing a
// hundred thousand lines, with thousands of arguments: the error names the
// command and shows the start of its output, within bounds, and says how
// much it left out. Capturing the output must not hold all of it either.
func TestErrorTextBounded(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "go")
	script := "#!/bin/sh\ni=0\nwhile [ $i -lt 100000 ]; do echo \"example.com/p$i: cannot find module\"; i=$((i+1)); done >&2\nexit 1\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"list", "-deps"}
	for i := 0; i < 5000; i++ {
		args = append(args, fmt.Sprintf("example.com/p%d", i))
	}
	r := &Runner{Go: fake}
	_, err := r.Run(context.Background(), Call{Dir: t.TempDir(), Args: args})
	if err == nil {
		t.Fatal("the fake go command succeeded")
	}
	msg := err.Error()
	if len(msg) > maxStderrBytes+maxErrorArgLen+200 {
		t.Errorf("error text is %d bytes, want at most about %d", len(msg), maxStderrBytes+maxErrorArgLen)
	}
	for _, want := range []string{
		"go list -deps example.com/p0 example.com/p1 ",
		"… and 4978 more: example.com/p0: cannot find module\n",
		"\n… and 99900 more lines",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error text lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "cannot find module"); n != maxStderrLines {
		t.Errorf("error text shows %d lines of output, want %d", n, maxStderrLines)
	}
	if ge := err.(*Error); len(ge.Stderr) > maxStderrBytes+100 {
		t.Errorf("Error.Stderr holds %d bytes, want at most about %d", len(ge.Stderr), maxStderrBytes)
	}
}
