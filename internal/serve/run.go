package serve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

// worker runs queued builds until the server stops.
func (s *Server) worker() {
	for b := range s.queue {
		s.run(b)
		s.release()
	}
}

// run builds one composition and stores its files.
func (s *Server) run(b *build) {
	defer close(b.done)
	defer b.events.Close()
	defer os.RemoveAll(b.workDir)
	timed, cancelTimed := context.WithTimeout(b.ctx, s.cfg.BuildTimeout)
	defer cancelTimed()
	ctx, cancel := context.WithCancelCause(timed)
	defer cancel(nil)
	s.setStatus(b, Running, "")
	start := time.Now()
	steps := progress.NewJSONOnly(b.events)
	l, elsewhere, err := s.acquire(ctx, b.rec.ID, func() {
		steps.Note("another replica is building this composition; waiting for it")
	})
	if elsewhere != nil {
		s.builtElsewhere(ctx, b, elsewhere)
		return
	}
	var rec *Record
	if err == nil {
		defer s.releaseLeases(context.WithoutCancel(ctx), b.rec.ID)
		holdCtx, stopHold := context.WithCancel(ctx)
		defer stopHold()
		go s.hold(holdCtx, b.rec.ID, l, func() { cancel(errLeaseLost) })
		if s.cfg.beforeBuild != nil {
			s.cfg.beforeBuild(b.rec.ID)
		}
		rec, err = s.compile(ctx, b, steps)
	}
	if err == nil {
		err = s.save(context.WithoutCancel(ctx), b, rec, steps)
	}
	status := Succeeded
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		status, err = Failed, fmt.Errorf("the build took longer than %s and was stopped", s.cfg.BuildTimeout)
	case err != nil && context.Cause(ctx) == errLeaseLost:
		status, err = Failed, errLeaseLost
	case err != nil && ctx.Err() != nil:
		status, err = Cancelled, errors.New("cancelled: no client was waiting for the build")
	case err != nil:
		status = Failed
	}
	secs := time.Since(start).Seconds()
	msg := ""
	if err != nil {
		steps.Fail(err)
		msg = err.Error()
	}
	s.mu.Lock()
	if err == nil {
		b.rec = *rec
	}
	b.rec.Status, b.rec.Error, b.rec.Seconds = status, msg, secs
	b.rec.Finished = time.Now().UTC()
	s.mu.Unlock()
	s.metrics.build(status, secs)
	s.log.Info("build finished", "id", b.rec.ID, "status", status, "seconds", secs, "error", msg)
}

var errLeaseLost = errors.New("this replica's lease on the build expired and another replica took the build over; ask again for its result")

// builtElsewhere finishes b with the record and events another replica
// stored.
func (s *Server) builtElsewhere(ctx context.Context, b *build, rec *Record) {
	if data, err := getBytes(ctx, s.cfg.Store, eventsKey(rec.ID)); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if line != "" {
				b.events.Write([]byte(line))
			}
		}
	}
	s.mu.Lock()
	b.rec = *rec
	b.rec.Cached = true
	s.mu.Unlock()
	s.metrics.hit()
	s.log.Info("build finished by another replica", "id", rec.ID)
}

func (s *Server) setStatus(b *build, status, msg string) {
	s.mu.Lock()
	b.rec.Status, b.rec.Error = status, msg
	s.mu.Unlock()
}

// compile runs weld build (or weld image) in the build's work directory,
// with the lock resolve wrote, and lists what it made.
func (s *Server) compile(ctx context.Context, b *build, steps *progress.Steps) (*Record, error) {
	sp, err := spec.Load(filepath.Join(b.workDir, "weld.yaml"))
	if err != nil {
		return nil, err
	}
	t, err := target.Parse(b.choice.Target)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(b.workDir, "dist")
	o := pipeline.Options{Spec: sp, Go: s.goCommand(), OutDir: out, Targets: []target.Target{t},
		LockMode: lockpolicy.Frozen, Steps: steps}
	rec := b.rec
	var files []fileOut
	if b.choice.Output == OutputImage {
		files, err = s.buildImage(ctx, o, out)
	} else {
		var arts []pipeline.Artifact
		arts, err = pipeline.Build(ctx, o)
		files = artifactFiles(arts, b.choice.Output)
	}
	if err != nil {
		return nil, err
	}
	files = append(files, fileOut{path: filepath.Join(b.workDir, lock.FileName), kind: "lock"},
		fileOut{path: filepath.Join(b.workDir, "weld.yaml"), kind: "manifest"})
	for _, f := range files {
		if f.primary {
			rec.Primary = filepath.Base(f.path)
		}
	}
	rec.Artifacts = nil
	for _, f := range files {
		rec.Artifacts = append(rec.Artifacts, ArtifactRecord{Name: filepath.Base(f.path), Kind: f.kind})
	}
	b.files = files
	return &rec, nil
}
