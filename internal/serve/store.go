package serve

import (
	"context"
	"errors"
	"fmt"
	"io"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/weldgo/weld/internal/store"
)

// Store holds finished builds, shared by every replica that opens the
// same URL.
type Store interface {
	// Get returns an object's reader, or an error for which
	// IsNotFound is true.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Put writes an object whole: readers see all of it or nothing.
	Put(ctx context.Context, key string, r io.Reader) error
	// Create writes an object only if there is none under key (a
	// conditional create); created is false when there was one.
	Create(ctx context.Context, key string, data []byte) (created bool, err error)
	// List returns the keys under prefix.
	List(ctx context.Context, prefix string) ([]string, error)
	Delete(ctx context.Context, key string) error
	Close() error
}

// ErrNotFound is returned for a missing object.
var ErrNotFound = errors.New("not found")

// OpenStore opens the store at a URL (internal/store: file://, a plain
// directory, or s3:// for a fleet of replicas).
func OpenStore(ctx context.Context, rawURL string) (Store, error) {
	b, err := store.Open(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return &bucketStore{b: b}, nil
}

type bucketStore struct{ b *blob.Bucket }

func (s *bucketStore) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.b.NewReader(ctx, key, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return r, err
}

func (s *bucketStore) Put(ctx context.Context, key string, r io.Reader) error {
	// The writer is committed on Close only, so a failed copy leaves
	// nothing behind.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.b.NewWriter(wctx, key, nil)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		cancel()
		w.Close()
		return fmt.Errorf("storing %s: %w", key, err)
	}
	return w.Close()
}

func (s *bucketStore) Create(ctx context.Context, key string, data []byte) (bool, error) {
	err := s.b.WriteAll(ctx, key, data, &blob.WriterOptions{IfNotExist: true})
	if gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return false, nil
	}
	return err == nil, err
}

func (s *bucketStore) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	it := s.b.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return keys, nil
		}
		if err != nil {
			return nil, err
		}
		keys = append(keys, obj.Key)
	}
}

func (s *bucketStore) Delete(ctx context.Context, key string) error {
	err := s.b.Delete(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	return err
}

func (s *bucketStore) Close() error { return s.b.Close() }

// getBytes reads a small object whole.
func getBytes(ctx context.Context, s Store, key string) ([]byte, error) {
	r, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
