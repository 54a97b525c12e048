package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdJSONLines checks that FILE holds only weld events, one JSON object
// per line, each with the schema version and a type, and prints
// "TYPE KEY=VALUE..." per event for the script to match, with the
// artifact's, error's and verification's fields flattened:
//
//	jsonlines stdout
func cmdJSONLines(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: jsonlines stdout|stderr|FILE")
	}
	var data string
	switch args[0] {
	case "stdout", "stderr":
		data = ts.ReadFile(args[0])
	default:
		b, err := os.ReadFile(ts.MkAbs(args[0]))
		ts.Check(err)
		data = string(b)
	}
	var out []string
	for i, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		var e map[string]any
		dec := json.NewDecoder(bytes.NewReader([]byte(line)))
		if err := dec.Decode(&e); err != nil || dec.More() {
			ts.Fatalf("line %d is not one JSON object: %q (%v)", i+1, line, err)
		}
		if e["v"] != float64(1) || e["type"] == nil || e["time"] == nil {
			ts.Fatalf("line %d lacks v:1, type or time: %s", i+1, line)
		}
		fields := []string{e["type"].(string)}
		for _, k := range []string{"step", "detail", "cached", "message", "file", "line"} {
			if v, ok := e[k]; ok {
				fields = append(fields, fmt.Sprintf("%s=%v", k, v))
			}
		}
		for _, nested := range []string{"artifact", "verify"} {
			if m, ok := e[nested].(map[string]any); ok {
				for _, k := range []string{"kind", "path", "target", "sha256", "digest", "ref", "artifact", "ok"} {
					if v, ok := m[k]; ok {
						fields = append(fields, fmt.Sprintf("%s=%v", k, v))
					}
				}
			}
		}
		out = append(out, strings.Join(fields, " "))
	}
	if neg {
		ts.Fatalf("unsupported: ! jsonlines")
	}
	fmt.Fprintln(ts.Stdout(), strings.Join(out, "\n"))
}
