package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// catalogView is the catalog as the page and API clients read it.
type catalogView struct {
	Apps    []appView `json:"apps"`
	Targets []string  `json:"targets"`
	Outputs []string  `json:"outputs"`
}

type appView struct {
	Module
	Plugins []Module `json:"plugins"`
}

func (s *Server) catalog(w http.ResponseWriter, _ *http.Request) {
	c := s.cfg.Catalog
	v := catalogView{Targets: c.Targets, Outputs: c.Outputs}
	for i := range c.Apps {
		v.Apps = append(v.Apps, appView{Module: c.Apps[i], Plugins: c.PluginsFor(&c.Apps[i])})
	}
	writeJSON(w, http.StatusOK, v)
}

// create is POST /api/builds: it answers the build's id and status at
// once, 202 for a build queued or running, 200 for one finished.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var req Request
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(w, &apiError{Status: http.StatusRequestEntityTooLarge, Msg: fmt.Sprintf("the request is larger than %d bytes", maxRequestBytes)})
			return
		}
		s.fail(w, &apiError{Status: http.StatusBadRequest, Msg: "the request is not a build request in JSON: " + err.Error()})
		return
	}
	rec, b, err := s.request(r.Context(), req)
	if err != nil {
		s.fail(w, err)
		return
	}
	status := http.StatusAccepted
	if b == nil || rec.finished() {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/builds/"+rec.ID)
	writeJSON(w, status, rec)
}

// request checks a request and starts (or finds) its build.
func (s *Server) request(ctx context.Context, req Request) (*Record, *build, error) {
	ch, err := s.cfg.Catalog.check(ctx, req, s.cfg.listVersions)
	if err != nil {
		return nil, nil, err
	}
	rec, b, err := s.start(ctx, ch)
	if err != nil {
		return nil, nil, err
	}
	if b != nil {
		s.touch(b)
	}
	return rec, b, nil
}

// lookupPath finds the build a request's path names, or answers the
// request with why not (a malformed id, or no such build).
func (s *Server) lookupPath(w http.ResponseWriter, r *http.Request, id string) (*Record, *build, bool) {
	if !validID(id) {
		s.fail(w, &apiError{Status: http.StatusNotFound, Field: "id", Msg: "a build id is 64 lower-case hex digits"})
		return nil, nil, false
	}
	rec, b, err := s.lookup(r.Context(), id)
	if err != nil {
		s.fail(w, err)
		return nil, nil, false
	}
	return rec, b, true
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rec, b, ok := s.lookupPath(w, r, id)
	if !ok {
		return
	}
	if b != nil {
		s.touch(b)
	}
	writeJSON(w, http.StatusOK, rec)
}

// streamEvents is GET /api/builds/ID/events: the build's events as they
// come, as server-sent events when the client accepts text/event-stream
// and as JSON lines otherwise; the stream ends with the build.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rec, b, ok := s.lookupPath(w, r, id)
	if !ok {
		return
	}
	sse := strings.Contains(r.Header.Get("Accept"), "text/event-stream")
	if sse {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
	} else {
		w.Header().Set("Content-Type", "application/x-ndjson")
	}
	flusher, _ := w.(http.Flusher)
	emit := func(line []byte) error {
		var err error
		if sse {
			_, err = fmt.Fprintf(w, "data: %s\n\n", line)
		} else {
			_, err = fmt.Fprintf(w, "%s\n", line)
		}
		if flusher != nil {
			flusher.Flush()
		}
		return err
	}
	if b != nil && b.events != nil {
		defer s.wait(b)()
		if err := b.events.follow(r.Context(), emit); err != nil {
			return
		}
		s.mu.Lock()
		final := b.rec
		s.mu.Unlock()
		rec = &final
	} else {
		data, err := getBytes(r.Context(), s.cfg.Store, eventsKey(id))
		if err != nil {
			s.fail(w, err)
			return
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if line != "" && emit([]byte(line)) != nil {
				return
			}
		}
	}
	if sse {
		end, _ := json.Marshal(rec)
		fmt.Fprintf(w, "event: end\ndata: %s\n\n", end)
	}
}

// artifact is GET /api/builds/ID/artifacts/NAME, from the store. Only a
// name the build's record lists is looked up.
func (s *Server) artifact(w http.ResponseWriter, r *http.Request) {
	id, name := r.PathValue("id"), r.PathValue("name")
	rec, _, ok := s.lookupPath(w, r, id)
	if !ok {
		return
	}
	if rec.Status != Succeeded {
		s.fail(w, &apiError{Status: http.StatusConflict, Msg: "the build is " + rec.Status + "; its files are served once it succeeded"})
		return
	}
	s.serveFile(w, r, rec, name)
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rec *Record, name string) {
	i := slices.IndexFunc(rec.Artifacts, func(a ArtifactRecord) bool { return a.Name == name })
	if i < 0 {
		s.fail(w, &apiError{Status: http.StatusNotFound, Field: "name", Msg: fmt.Sprintf("build %s has no file %q", rec.ID, name)})
		return
	}
	a := rec.Artifacts[i]
	f, err := s.cfg.Store.Get(r.Context(), fileKey(rec.ID, a.Name))
	if err != nil {
		s.fail(w, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", a.Name))
	w.Header().Set("Content-Length", fmt.Sprint(a.Size))
	w.Header().Set("X-Weld-Build", rec.ID)
	w.Header().Set("Digest", "sha-256="+a.SHA256)
	io.Copy(w, f)
}

// get is the one-line form: GET /get?app=A&version=V&plugins=a,b@v1.0.0
// &os=linux&arch=amd64&output=binary waits for the build and answers
// its file.
func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if len(r.URL.RawQuery) > maxRequestBytes {
		s.fail(w, &apiError{Status: http.StatusRequestURITooLong, Msg: "the query is too long"})
		return
	}
	req := Request{App: q.Get("app"), Version: q.Get("version"), Output: q.Get("output"), Target: q.Get("target")}
	if req.Target == "" {
		req.Target = q.Get("os") + "/" + q.Get("arch")
		if v := q.Get("variant"); v != "" {
			req.Target += "/" + v
		}
	}
	for _, p := range strings.Split(q.Get("plugins"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			req.Plugins = append(req.Plugins, p)
		}
	}
	rec, b, err := s.request(r.Context(), req)
	if err != nil {
		s.fail(w, err)
		return
	}
	if b != nil {
		leave := s.wait(b)
		select {
		case <-b.done:
		case <-r.Context().Done():
		}
		leave()
		if r.Context().Err() != nil {
			return
		}
		s.mu.Lock()
		final := b.rec
		s.mu.Unlock()
		rec = &final
	}
	if rec.Status != Succeeded {
		s.fail(w, &apiError{Status: http.StatusUnprocessableEntity, Msg: fmt.Sprintf("build %s %s: %s", rec.ID, rec.Status, rec.Error)})
		return
	}
	s.serveFile(w, r, rec, rec.Primary)
}

// goListVersions lists a module's versions with the go command, through
// the configured GOPROXY; an answer is reused for a minute.
func goListVersions(env []string) versionLister {
	type entry struct {
		at       time.Time
		versions []string
	}
	cache := map[string]entry{}
	var mu = make(chan struct{}, 1)
	return func(ctx context.Context, module string) ([]string, error) {
		mu <- struct{}{}
		e, ok := cache[module]
		<-mu
		if ok && time.Since(e.at) < time.Minute {
			return e.versions, nil
		}
		cmd := exec.CommandContext(ctx, "go", "list", "-m", "-versions", "--", module)
		cmd.Env = append(append([]string{}, env...), "GOFLAGS=-mod=mod", "GO111MODULE=on")
		cmd.Dir = os.TempDir() // outside any module
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return nil, fmt.Errorf("%s", strings.TrimSpace(string(ee.Stderr)))
			}
			return nil, err
		}
		f := strings.Fields(string(out))
		if len(f) > 0 {
			f = f[1:]
		}
		mu <- struct{}{}
		cache[module] = entry{time.Now(), f}
		<-mu
		return f, nil
	}
}
