package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
)

// Build states.
const (
	Queued    = "queued"
	Running   = "running"
	Succeeded = "succeeded"
	Failed    = "failed"
	Cancelled = "cancelled"
)

// Record is a build's status, as GET /api/builds/ID answers it; a
// finished build's record is kept in the store.
type Record struct {
	ID        string           `json:"id"`
	Status    string           `json:"status"`
	Error     string           `json:"error,omitempty"`
	Request   Request          `json:"request"`
	Manifest  string           `json:"manifest"`
	Artifacts []ArtifactRecord `json:"artifacts,omitempty"`
	// Primary names the artifact the output asked for: the binary, the
	// archive, the .deb or the image tarball.
	Primary  string    `json:"primary,omitempty"`
	Created  time.Time `json:"created"`
	Finished time.Time `json:"finished,omitzero"`
	Seconds  float64   `json:"seconds,omitempty"`
	// Cached says the answer came from the store, without building.
	Cached bool `json:"cached,omitempty"`
}

// ArtifactRecord is one file of a finished build.
type ArtifactRecord struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	URL    string `json:"url"`
}

func (r *Record) finished() bool {
	return r.Status == Succeeded || r.Status == Failed || r.Status == Cancelled
}

// build is a build this replica runs or ran.
type build struct {
	rec     Record // guarded by Server.mu
	choice  *choice
	workDir string
	events  *eventLog
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	// waiters counts the clients waiting for the build now; idleSince is
	// when the last one left (guarded by Server.mu).
	waiters   int
	idleSince time.Time
	// files are what compile made, for save.
	files []fileOut
}

// storeKey names a build's objects in the store.
func recordKey(id string) string         { return "builds/" + id + "/build.json" }
func eventsKey(id string) string         { return "builds/" + id + "/events.ndjson" }
func fileKey(id, name string) string     { return "builds/" + id + "/files/" + name }
func requestKey(reqKey string) string    { return "requests/" + reqKey }
func artifactURL(id, name string) string { return "/api/builds/" + id + "/artifacts/" + name }

// validID says whether s can be a build id: a sha256 in hex.
func validID(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// goCommand is the go command the builds run, with the catalog's private
// module settings.
func (s *Server) goCommand() gobuild.GoCommand {
	return &gobuild.Runner{Env: goEnv(s.cfg)}
}

func goEnv(cfg Config) []string {
	env := append([]string{}, cfg.Env...)
	if p := cfg.Catalog.Private.GOPRIVATE; p != "" {
		env = append(env, "GOPRIVATE="+p)
	}
	if n := cfg.Catalog.Private.Netrc; n != "" {
		env = append(env, "NETRC="+n)
	}
	return env
}

// resolve locks the choice's composition in a new work directory and
// returns the build id, which is the hash of the lock with the target
// and output. The work directory is kept for the build, or removed if
// the build exists already (see admit).
func (s *Server) resolve(ctx context.Context, ch *choice) (id, workDir string, err error) {
	workDir, err = os.MkdirTemp(s.cfg.WorkRoot, "build-")
	if err != nil {
		return "", "", fmt.Errorf("creating work directory: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(workDir)
		}
	}()
	file := filepath.Join(workDir, "weld.yaml")
	if err := os.WriteFile(file, []byte(ch.Manifest()), 0o644); err != nil {
		return "", "", err
	}
	sp, err := spec.Load(file)
	if err != nil {
		return "", "", fmt.Errorf("reading the manifest made for the request: %w", err)
	}
	sess, err := pipeline.Open(ctx, pipeline.Options{Spec: sp, Go: s.goCommand(), LockMode: lockpolicy.Relock,
		OutDir: filepath.Join(workDir, "dist"), Steps: progress.NewJSONOnly(discard{})})
	if err != nil {
		return "", "", fmt.Errorf("resolving: %w", err)
	}
	err = sess.LockTargets(ctx)
	sess.Close()
	if err != nil {
		return "", "", fmt.Errorf("resolving: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(workDir, lock.FileName))
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256([]byte("weld serve build v1\ntarget " + ch.Target + "\noutput " + ch.Output + "\n" + string(data)))
	return hex.EncodeToString(sum[:]), workDir, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// errQueueFull is answered 503 with Retry-After.
var errQueueFull = &apiError{Status: http.StatusServiceUnavailable, Msg: "the build queue is full; retry later", RetryAfter: 10}

// admit takes a slot of the bounded queue, or fails at once.
func (s *Server) admit() error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
		s.metrics.reject()
		return errQueueFull
	}
}

func (s *Server) release() { <-s.slots }

// lookup finds a build this replica knows, or a finished one in the store.
func (s *Server) lookup(ctx context.Context, id string) (*Record, *build, error) {
	s.mu.Lock()
	b := s.builds[id]
	if b != nil {
		rec := b.rec
		s.mu.Unlock()
		return &rec, b, nil
	}
	s.mu.Unlock()
	rec, err := s.stored(ctx, id)
	return rec, nil, err
}

// stored reads a finished build's record from the store.
func (s *Server) stored(ctx context.Context, id string) (*Record, error) {
	data, err := getBytes(ctx, s.cfg.Store, recordKey(id))
	if err != nil {
		return nil, err
	}
	rec := &Record{}
	if err := jsonUnmarshal(data, rec); err != nil {
		return nil, fmt.Errorf("reading build %s from the store: %w", id, err)
	}
	return rec, nil
}

// start returns the build for a request: the one in flight or in the
// store, or a new one in the queue. It holds a queue slot for a new build
// (the caller took it) and gives it back otherwise.
func (s *Server) start(ctx context.Context, ch *choice) (*Record, *build, error) {
	reqKey := ch.key()
	if !ch.local() {
		s.mu.Lock()
		id := s.resolved[reqKey]
		s.mu.Unlock()
		if id == "" {
			if data, err := getBytes(ctx, s.cfg.Store, requestKey(reqKey)); err == nil && validID(string(data)) {
				id = string(data)
			}
		}
		if id != "" {
			// A build in flight or succeeded is shared; a failed or
			// cancelled one is tried again.
			if rec, b, err := s.lookup(ctx, id); err == nil && (!rec.finished() || rec.Status == Succeeded) {
				if b == nil {
					s.metrics.hit()
				}
				return rec, b, nil
			}
		}
	}
	if err := s.admit(); err != nil {
		return nil, nil, err
	}
	// Identical requests in flight resolve once.
	v, err, _ := s.resolving.Do(reqKey, func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.BuildTimeout)
		defer cancel()
		id, dir, err := s.resolve(rctx, ch)
		if err != nil {
			return nil, err
		}
		return s.enqueue(id, dir, ch, reqKey), nil
	})
	if err != nil {
		s.release()
		return nil, nil, err
	}
	b := v.(*build)
	s.mu.Lock()
	rec, owns := b.rec, b.holdsSlot(s)
	s.mu.Unlock()
	if !owns {
		s.release()
	}
	if rec.Cached {
		return &rec, nil, nil
	}
	return &rec, b, nil
}

// enqueue queues a new build, or returns the build with that id that is
// in flight or stored.
func (s *Server) enqueue(id, workDir string, ch *choice, reqKey string) *build {
	ctx := context.Background()
	if !ch.local() {
		s.mu.Lock()
		s.resolved[reqKey] = id
		s.mu.Unlock()
		s.cfg.Store.Put(ctx, requestKey(reqKey), strings.NewReader(id))
	}
	s.mu.Lock()
	if b := s.builds[id]; b != nil && b.rec.Status != Failed && b.rec.Status != Cancelled {
		s.mu.Unlock()
		os.RemoveAll(workDir)
		return b
	}
	s.mu.Unlock()
	if rec, err := s.stored(ctx, id); err == nil && rec.Status == Succeeded {
		os.RemoveAll(workDir)
		s.metrics.hit()
		rec.Cached = true
		return &build{rec: *rec}
	}
	bctx, cancel := context.WithCancel(s.base)
	b := &build{choice: ch, workDir: workDir, events: newEventLog(), ctx: bctx, cancel: cancel,
		done: make(chan struct{}), idleSince: time.Now(),
		rec: Record{ID: id, Status: Queued, Request: ch.Canonical(), Manifest: ch.Manifest(), Created: time.Now().UTC()}}
	s.mu.Lock()
	s.builds[id] = b
	s.owner[id] = true
	s.mu.Unlock()
	s.log.Info("build queued", "id", id, "app", b.rec.Request.App, "plugins", b.rec.Request.Plugins, "target", ch.Target, "output", ch.Output)
	s.queue <- b
	return b
}

// holdsSlot says, once, whether the build is the one the caller's slot
// was taken for (a new build); the slot is given back when it ends.
func (b *build) holdsSlot(s *Server) bool {
	if s.owner[b.rec.ID] {
		delete(s.owner, b.rec.ID)
		return true
	}
	return false
}
