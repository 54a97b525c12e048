package cacheprog

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// wire writes requests as the go command does: one JSON object per line,
// a put's body on the next line as a base64 JSON string.
func wire(t *testing.T, reqs ...any) io.Reader {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range reqs {
		switch r := r.(type) {
		case Request:
			data, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(data)
			buf.WriteByte('\n')
		case []byte:
			fmt.Fprintf(&buf, "%q\n", base64.StdEncoding.EncodeToString(r))
		}
	}
	return &buf
}

func responses(t *testing.T, out *bytes.Buffer) map[int64]Response {
	t.Helper()
	got := map[int64]Response{}
	dec := json.NewDecoder(out)
	for {
		var res Response
		if err := dec.Decode(&res); err == io.EOF {
			return got
		} else if err != nil {
			t.Fatalf("response stream: %v\n%s", err, out)
		}
		if _, dup := got[res.ID]; dup {
			t.Fatalf("two responses with ID %d", res.ID)
		}
		got[res.ID] = res
	}
}

func TestServe(t *testing.T) {
	b, _ := openStore(t)
	body := []byte("the compiled package")
	actionID, outputID := ids("compile", body)
	emptyAction, emptyOutput := ids("empty", nil)

	c, _ := newCache(t, b)
	var out bytes.Buffer
	in := wire(t,
		Request{ID: 1, Command: CmdPut, ActionID: actionID, OutputID: outputID, BodySize: int64(len(body))}, body,
		Request{ID: 2, Command: CmdPut, ActionID: emptyAction, OutputID: emptyOutput},
		Request{ID: 3, Command: CmdPut, ActionID: actionID, OutputID: emptyOutput, BodySize: 3}, []byte("bad"),
		Request{ID: 4, Command: "get2"},
		Request{ID: 5, Command: CmdClose},
	)
	if err := Serve(context.Background(), c, in, &out); err != nil {
		t.Fatal(err)
	}
	got := responses(t, &out)
	if hello := got[0]; fmt.Sprint(hello.KnownCommands) != "[get put close]" {
		t.Errorf("first response = %+v, want the known commands", hello)
	}
	if data, err := os.ReadFile(got[1].DiskPath); err != nil || !bytes.Equal(data, body) {
		t.Errorf("put 1: DiskPath %q holds %q, %v", got[1].DiskPath, data, err)
	}
	if fi, err := os.Stat(got[2].DiskPath); err != nil || fi.Size() != 0 {
		t.Errorf("put 2 of an empty body: DiskPath %q: %v", got[2].DiskPath, err)
	}
	if !strings.Contains(got[3].Err, "not the sha256") {
		t.Errorf("put 3 with a wrong OutputID = %+v, want an error", got[3])
	}
	if !strings.Contains(got[4].Err, "unknown command") {
		t.Errorf("unknown command = %+v, want an error", got[4])
	}
	if res, ok := got[5]; !ok || res.Err != "" {
		t.Errorf("close = %+v, %v", res, ok)
	}

	// Another machine's cache finds both outputs in the store.
	other, _ := newCache(t, b)
	out.Reset()
	in = wire(t,
		Request{ID: 1, Command: CmdGet, ActionID: actionID},
		Request{ID: 2, Command: CmdGet, ActionID: emptyAction},
		Request{ID: 3, Command: CmdGet, ActionID: outputID},
	)
	if err := Serve(context.Background(), other, in, &out); err != nil {
		t.Fatal(err) // the end of input is a close
	}
	got = responses(t, &out)
	if r := got[1]; r.Miss || !bytes.Equal(r.OutputID, outputID) || r.Size != int64(len(body)) {
		t.Errorf("get 1 = %+v, want a hit", r)
	}
	if r := got[2]; r.Miss || r.Size != 0 || r.DiskPath == "" {
		t.Errorf("get 2 of the empty output = %+v, want a hit", r)
	}
	if r := got[3]; !r.Miss {
		t.Errorf("get 3 of an unknown action = %+v, want a miss", r)
	}
}

func TestServeMalformedStream(t *testing.T) {
	b, _ := openStore(t)
	c, _ := newCache(t, b)
	for name, in := range map[string]string{
		"not JSON":   "{nope\n",
		"short body": `{"ID":1,"Command":"put","ActionID":"AA==","OutputID":"AA==","BodySize":5}` + "\n\"AAA=\"\n",
	} {
		if err := Serve(context.Background(), c, strings.NewReader(in), io.Discard); err == nil {
			t.Errorf("%s: Serve succeeded", name)
		}
	}
}
