// Package store opens the object store that weld keeps shared objects in
// (the compile results of weld cacheprog, and the builds of weld serve),
// through gocloud.dev/blob. Two kinds of store are built in:
//
//	file:///var/cache/weld-store          a directory (created if missing);
//	                                      a plain path means the same
//	s3://BUCKET?region=us-east-1          Amazon S3
//	s3://BUCKET?endpoint=http://127.0.0.1:7070&region=us-east-1&use_path_style=true
//	                                      an S3-compatible server (MinIO,
//	                                      Versity, Ceph, R2...): endpoint is
//	                                      its address, use_path_style=true
//	                                      addresses the bucket in the path
//	                                      rather than in the host name
//
// Any URL may add prefix=DIR/ to keep the objects under a key prefix. S3
// credentials come from the environment as for the AWS CLI
// (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or the
// instance's role); they are never part of the URL. Other s3:// parameters
// are those of gocloud.dev/blob/s3blob (for example profile, or
// disable_https).
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file://
	_ "gocloud.dev/blob/s3blob"   // s3://
	"gocloud.dev/gcerrors"
)

// Open opens the store at rawURL (see the package documentation for the
// forms it takes). The caller closes the bucket.
func Open(ctx context.Context, rawURL string) (*blob.Bucket, error) {
	u, err := normalize(rawURL)
	if err != nil {
		return nil, err
	}
	b, err := blob.OpenBucket(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("opening store %s: %w", rawURL, err)
	}
	return b, nil
}

// normalize turns a plain path into a file:// URL and gives a file://
// store the defaults weld relies on: the directory is created, and a
// write goes to a temporary file beside its object (not in the system's
// temporary directory, which may be another file system), so that the
// final rename is atomic.
func normalize(rawURL string) (string, error) {
	if rawURL == "" {
		return "", errors.New("no store URL: give file:///DIR or s3://BUCKET?region=...")
	}
	if !strings.Contains(rawURL, "://") {
		abs, err := filepath.Abs(rawURL)
		if err != nil {
			return "", fmt.Errorf("store path %s: %w", rawURL, err)
		}
		rawURL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("store URL %s: %w", rawURL, err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" {
			return "", fmt.Errorf("store URL %s: a file:// URL names an absolute path (file:///DIR), not a host %q", rawURL, u.Host)
		}
		q := u.Query()
		for _, k := range []string{"create_dir", "no_tmp_dir"} {
			if !q.Has(k) {
				q.Set(k, "true")
			}
		}
		u.RawQuery = q.Encode()
	case "s3":
		if u.Host == "" {
			return "", fmt.Errorf("store URL %s: no bucket; write s3://BUCKET?region=REGION", rawURL)
		}
	default:
		return "", fmt.Errorf("store URL %s: unsupported scheme %q; use file:///DIR or s3://BUCKET", rawURL, u.Scheme)
	}
	return u.String(), nil
}

// IsNotExist says whether err is the store's "no such object".
func IsNotExist(err error) bool {
	return gcerrors.Code(err) == gcerrors.NotFound
}

// IsPreconditionFailed says whether err is a conditional write that found
// the object already there (blob.WriterOptions.IfNotExist).
func IsPreconditionFailed(err error) bool {
	return gcerrors.Code(err) == gcerrors.FailedPrecondition
}
