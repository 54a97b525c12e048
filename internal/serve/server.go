package serve

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/weldgo/weld/internal/atomicfile"
)

// Config configures a server.
type Config struct {
	Catalog *Catalog
	Store   Store
	// Workers is how many builds run at once; Queue how many more may
	// wait for a worker. A request beyond both is answered 503.
	Workers, Queue int
	// BuildTimeout stops a build that runs longer.
	BuildTimeout time.Duration
	// Abandon cancels a build no client has waited for for this long.
	Abandon time.Duration
	// WorkRoot holds the builds' work directories.
	WorkRoot string
	// LeaseTTL is how long a replica's lease on a build lasts unless
	// renewed (every third of it); LeasePoll how often a replica waiting
	// for another's build looks at the store.
	LeaseTTL, LeasePoll time.Duration
	// Env is the go command's environment.
	Env []string
	Log *slog.Logger

	// beforeBuild, when set, runs as a worker takes a build (tests hold
	// a worker with it).
	beforeBuild func(id string)
	// listVersions lists a module's versions; the go command by default.
	listVersions versionLister
}

// Server is weld serve: its handler and its builds.
type Server struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	base    context.Context
	stop    context.CancelFunc
	// ownRoot is the work root New made, removed by Close.
	ownRoot string
	// replica names this server in the leases it takes.
	replica string

	mu       sync.Mutex
	builds   map[string]*build
	owner    map[string]bool
	resolved map[string]string // request key → build id

	resolving singleflight.Group
	slots     chan struct{}
	queue     chan *build
	workers   sync.WaitGroup
}

// New starts a server's workers; Close stops them.
func New(cfg Config) (*Server, error) {
	ownRoot := ""
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	if cfg.Queue < 0 {
		cfg.Queue = 0
	}
	if cfg.BuildTimeout <= 0 {
		cfg.BuildTimeout = 20 * time.Minute
	}
	if cfg.Abandon <= 0 {
		cfg.Abandon = time.Minute
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = 30 * time.Second
	}
	if cfg.LeasePoll <= 0 {
		cfg.LeasePoll = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if cfg.WorkRoot == "" {
		// Named for this process, so that a later server removes the
		// work root of one that was killed (see atomicfile).
		dir, err := atomicfile.MkdirTemp(os.TempDir(), "weld-serve")
		if err != nil {
			return nil, fmt.Errorf("creating the work root: %w", err)
		}
		cfg.WorkRoot, ownRoot = dir, dir
	}
	if cfg.listVersions == nil {
		cfg.listVersions = goListVersions(goEnv(cfg))
	}
	base, stop := context.WithCancel(context.Background())
	host, _ := os.Hostname()
	s := &Server{cfg: cfg, ownRoot: ownRoot, log: cfg.Log, metrics: newMetrics(), base: base, stop: stop,
		replica: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8]),
		builds:  map[string]*build{}, owner: map[string]bool{}, resolved: map[string]string{},
		slots: make(chan struct{}, cfg.Workers+cfg.Queue), queue: make(chan *build, cfg.Workers+cfg.Queue)}
	for range cfg.Workers {
		s.workers.Add(1)
		go func() {
			defer s.workers.Done()
			s.worker()
		}()
	}
	go s.janitor()
	return s, nil
}

// Close cancels the builds and waits for the workers.
func (s *Server) Close() {
	s.stop()
	close(s.queue)
	s.workers.Wait()
	if s.ownRoot != "" {
		os.RemoveAll(s.ownRoot)
	}
}

// janitor cancels builds no client waits for, and forgets finished
// builds after a while (they are in the store).
func (s *Server) janitor() {
	tick := time.NewTicker(s.cfg.Abandon / 4)
	defer tick.Stop()
	for {
		select {
		case <-s.base.Done():
			return
		case <-tick.C:
		}
		s.mu.Lock()
		for id, b := range s.builds {
			idle := b.waiters == 0 && time.Since(b.idleSince) > s.cfg.Abandon
			switch {
			case !b.rec.finished() && idle:
				s.log.Info("build abandoned", "id", id)
				b.cancel()
			case b.rec.finished() && time.Since(b.rec.Finished) > 10*time.Minute:
				delete(s.builds, id)
			}
		}
		s.mu.Unlock()
	}
}

// wait counts a client waiting for b until the returned function is called.
func (s *Server) wait(b *build) (leave func()) {
	s.mu.Lock()
	b.waiters++
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		b.waiters--
		b.idleSince = time.Now()
		s.mu.Unlock()
	}
}

// touch notes a client asking about b (polling counts as waiting).
func (s *Server) touch(b *build) {
	s.mu.Lock()
	b.idleSince = time.Now()
	s.mu.Unlock()
}

// Handler serves the page, the API and the metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /api/catalog", s.catalog)
	mux.HandleFunc("POST /api/builds", s.create)
	mux.HandleFunc("GET /api/builds/{id}", s.status)
	mux.HandleFunc("GET /api/builds/{id}/events", s.streamEvents)
	mux.HandleFunc("GET /api/builds/{id}/artifacts/{name}", s.artifact)
	mux.HandleFunc("GET /get", s.get)
	mux.HandleFunc("GET /metrics", s.serveMetrics)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	return s.logged(mux)
}

// logged logs every request, as JSON.
func (s *Server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		h.ServeHTTP(sw, r)
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"seconds", time.Since(start).Seconds(), "remote", r.RemoteAddr)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// fail answers an error as JSON: an apiError with its status and field,
// anything else as 500.
func (s *Server) fail(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{Status: http.StatusInternalServerError, Msg: err.Error()}
		if errors.Is(err, ErrNotFound) {
			ae = &apiError{Status: http.StatusNotFound, Msg: "no such build"}
		}
	}
	if ae.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(ae.RetryAfter))
	}
	writeJSON(w, ae.Status, ae)
}

func (s *Server) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	queued, running := 0, 0
	for _, b := range s.builds {
		switch b.rec.Status {
		case Queued:
			queued++
		case Running:
			running++
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	s.metrics.write(w, queued, running)
}
