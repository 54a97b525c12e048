// Package cacheprog implements the go command's GOCACHEPROG protocol over
// an object store, so that machines (CI runners, weld serve replicas)
// share compile results.
//
// The protocol (cmd/go/internal/cacheprog in the Go distribution): the go
// command starts the program and talks JSON over its stdin and stdout. The
// program first writes a Response with ID 0 that lists the commands it
// knows. The go command then sends Requests, one JSON object per line; a
// "put" with a body is followed by a line holding the body as a base64
// JSON string. Each Request gets a Response with its ID, in any order.
// "get" and "put" answer with DiskPath, a local file holding the output,
// which must stay until "close"; after answering "close" the program exits.
package cacheprog

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Cmd is a request's command.
type Cmd string

const (
	CmdGet   Cmd = "get"
	CmdPut   Cmd = "put"
	CmdClose Cmd = "close"
)

// Request is one message from the go command.
type Request struct {
	ID       int64
	Command  Cmd
	ActionID []byte `json:",omitempty"` // the cache key of get and put
	OutputID []byte `json:",omitempty"` // put: the sha256 of the body
	BodySize int64  `json:",omitempty"` // put: the body follows when > 0
}

// Response is one message to the go command.
type Response struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []Cmd      `json:",omitempty"` // the first message only
	Miss          bool       `json:",omitempty"` // get: not in the cache
	OutputID      []byte     `json:",omitempty"` // get: the put's OutputID
	Size          int64      `json:",omitempty"` // get: the body's size
	Time          *time.Time `json:",omitempty"` // get: when it was put
	DiskPath      string     `json:",omitempty"` // get hit, put: the body's file
}

// maxConcurrent bounds the requests served at once: the go command sends
// many gets at a time, and each may wait on the store.
const maxConcurrent = 32

// Serve answers the go command's requests read from r on w until a
// "close" request or the end of r. A request the cache cannot answer gets
// an error response; a store failure is a miss (see Cache), so only a
// broken stream or a malformed request ends Serve with an error.
func Serve(ctx context.Context, c *Cache, r io.Reader, w io.Writer) error {
	out := &responder{enc: json.NewEncoder(w)}
	if err := out.send(&Response{KnownCommands: []Cmd{CmdGet, CmdPut, CmdClose}}); err != nil {
		return fmt.Errorf("announcing the cache's commands: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	slots := make(chan struct{}, maxConcurrent)
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	for {
		var req Request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				// The go command went away without "close".
				inFlight.Wait()
				return c.Close()
			}
			return fmt.Errorf("reading a request from the go command: %w", err)
		}
		var body []byte
		if req.Command == CmdPut && req.BodySize > 0 {
			// The body is a JSON string that decodes from base64
			// into a byte slice.
			if err := dec.Decode(&body); err != nil {
				return fmt.Errorf("reading the body of put request %d: %w", req.ID, err)
			}
			if int64(len(body)) != req.BodySize {
				return fmt.Errorf("put request %d: body has %d bytes, BodySize says %d", req.ID, len(body), req.BodySize)
			}
		}
		if req.Command == CmdClose {
			inFlight.Wait()
			err := c.Close()
			res := &Response{ID: req.ID}
			if err != nil {
				res.Err = err.Error()
			}
			return out.send(res)
		}
		slots <- struct{}{}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			defer func() { <-slots }()
			out.send(c.answer(ctx, &req, body))
		}()
	}
}

// answer serves one get or put.
func (c *Cache) answer(ctx context.Context, req *Request, body []byte) *Response {
	switch req.Command {
	case CmdGet:
		res := c.Get(ctx, req.ActionID)
		res.ID = req.ID
		return res
	case CmdPut:
		path, err := c.Put(ctx, req.ActionID, req.OutputID, body)
		if err != nil {
			return &Response{ID: req.ID, Err: err.Error()}
		}
		return &Response{ID: req.ID, DiskPath: path}
	}
	return &Response{ID: req.ID, Err: fmt.Sprintf("unknown command %q", req.Command)}
}

// responder writes responses one at a time: they come from concurrent
// requests.
type responder struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (r *responder) send(res *Response) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.enc.Encode(res)
}
