package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"time"
)

// A lease says which replica builds a composition. Replicas sharing a
// store take it before building, with a conditional create, so that only
// one builds; it expires unless its holder renews it, so that a build
// left by a dead replica is taken over.
//
// Leases are numbered: leases/ID/N. Taking over an expired lease N means
// creating N+1, which only one replica can do; the holder of N, if it is
// still alive, sees N+1 when it renews and stops its build.

// lease is one held lease.
type lease struct {
	key string // leases/ID/N
	n   int
}

type leaseBody struct {
	Owner   string    `json:"owner"`
	Expires time.Time `json:"expires"`
}

func leasePrefix(id string) string { return "leases/" + id + "/" }

// current returns the newest lease of id and its number (-1 if none).
func (s *Server) currentLease(ctx context.Context, id string) (n int, body *leaseBody, err error) {
	keys, err := s.cfg.Store.List(ctx, leasePrefix(id))
	if err != nil {
		return 0, nil, err
	}
	n = -1
	for _, k := range keys {
		if i, err := strconv.Atoi(path.Base(k)); err == nil && i > n {
			n = i
		}
	}
	if n < 0 {
		return -1, nil, nil
	}
	data, err := getBytes(ctx, s.cfg.Store, leasePrefix(id)+strconv.Itoa(n))
	if err != nil {
		return 0, nil, err
	}
	body = &leaseBody{}
	if err := json.Unmarshal(data, body); err != nil {
		// A lease being written, or damaged: treat it as expired.
		body.Expires = time.Time{}
	}
	return n, body, nil
}

// tryLease takes the lease of id if no live one is held; nil means
// another replica holds it.
func (s *Server) tryLease(ctx context.Context, id string) (*lease, error) {
	n, body, err := s.currentLease(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("reading the lease: %w", err)
	}
	if body != nil && time.Now().Before(body.Expires) {
		return nil, nil
	}
	if body != nil {
		s.log.Info("lease expired; taking over", "id", id, "owner", body.Owner)
	}
	l := &lease{key: leasePrefix(id) + strconv.Itoa(n+1), n: n + 1}
	data, _ := json.Marshal(leaseBody{Owner: s.replica, Expires: time.Now().Add(s.cfg.LeaseTTL)})
	created, err := s.cfg.Store.Create(ctx, l.key, data)
	if err != nil || !created {
		return nil, err
	}
	return l, nil
}

// hold renews the lease until ctx is done, and calls lost if another
// replica took it over (after it expired).
func (s *Server) hold(ctx context.Context, id string, l *lease, lost func()) {
	tick := time.NewTicker(s.cfg.LeaseTTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, _, err := s.currentLease(ctx, id)
		if err == nil && n != l.n {
			s.log.Warn("lease taken over by another replica; stopping the build", "id", id)
			lost()
			return
		}
		data, _ := json.Marshal(leaseBody{Owner: s.replica, Expires: time.Now().Add(s.cfg.LeaseTTL)})
		if err := s.cfg.Store.Put(ctx, l.key, bytes.NewReader(data)); err != nil && ctx.Err() == nil {
			s.log.Warn("renewing the lease", "id", id, "error", err.Error())
		}
	}
}

// releaseLeases removes a finished build's leases (its record now says
// it is done).
func (s *Server) releaseLeases(ctx context.Context, id string) {
	keys, _ := s.cfg.Store.List(ctx, leasePrefix(id))
	for _, k := range keys {
		s.cfg.Store.Delete(ctx, k)
	}
}

// acquire takes the lease of b's composition, or waits for the replica
// that holds it: it returns a nil lease and the stored record when that
// replica finished it, and takes the lease over if it expired.
func (s *Server) acquire(ctx context.Context, id string, waiting func()) (*lease, *Record, error) {
	for said := false; ; said = true {
		if rec, err := s.stored(ctx, id); err == nil && rec.Status == Succeeded {
			return nil, rec, nil
		}
		l, err := s.tryLease(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if l != nil {
			// The holder may have finished between the look at the
			// record and the lease.
			if rec, err := s.stored(ctx, id); err == nil && rec.Status == Succeeded {
				s.releaseLeases(ctx, id)
				return nil, rec, nil
			}
			return l, nil, nil
		}
		if !said {
			waiting()
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(s.cfg.LeasePoll):
		}
	}
}
