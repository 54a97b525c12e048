// Package testtools installs and starts the independent tools that weld's
// tests check its output with (cosign, cyclonedx-gomod, an S3 server),
// for the tests of every package. Nothing but tests imports it.
package testtools

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The S3-compatible server the tests of weld's object store run against:
// the Versity S3 gateway with its POSIX backend, installed once per test
// process through the module proxy (GoTool).
const Versitygw = "github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// Test credentials of the S3 server's root user. They open nothing but the
// server a test starts on 127.0.0.1.
const (
	s3AccessKey = "weldtestaccess"
	s3SecretKey = "weldtestsecret0123456789"
	s3Region    = "us-east-1"
)

// S3Server is an S3-compatible server that a test started, with one
// bucket.
type S3Server struct {
	// Endpoint is the server's address: http://127.0.0.1:PORT.
	Endpoint string
	// Bucket is the bucket's name, and URL the weld store URL for it
	// (store.Open, weld cacheprog --store, weld serve --store).
	Bucket, URL string
	// Dir is the POSIX backend's directory: object KEY of the bucket is
	// the file Dir/Bucket/KEY, which a test may read or damage.
	Dir string
	// Env holds the credentials a client needs (AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY), and settings that keep the client from
	// reading the developer's AWS files or asking an instance-metadata
	// service. Append it to a subprocess's environment, or apply it with
	// s3.Setenv(t) for a store opened in the test process itself.
	Env []string
}

// Setenv applies Env to the test process for the rest of the test (so the
// test cannot be parallel, as with t.Setenv).
func (s *S3Server) Setenv(t testing.TB) {
	for _, kv := range s.Env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// StartS3 starts an S3 server on a free port of 127.0.0.1, with its data
// in a temporary directory and one empty bucket, "weld". The server stops
// when the test ends. A test that needs S3 fails (never skips) when the
// server cannot be installed or started.
func StartS3(t testing.TB) *S3Server {
	t.Helper()
	bin := MustGoTool(t, Versitygw)
	dir := t.TempDir()
	const bucket = "weld"
	// The POSIX backend treats each top-level directory as a bucket.
	if err := os.Mkdir(filepath.Join(dir, bucket), 0o755); err != nil {
		t.Fatal(err)
	}
	var lastErr error
	for range 3 { // a free port may be taken before the server binds it
		addr, err := freeLoopbackAddr()
		if err != nil {
			t.Fatal(err)
		}
		endpoint := "http://" + addr
		logFile := filepath.Join(t.TempDir(), "versitygw.log")
		log, err := os.Create(logFile)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--access", s3AccessKey, "--secret", s3SecretKey,
			"--region", s3Region, "--port", addr, "--quiet", "posix", dir)
		cmd.Stdout, cmd.Stderr = log, log
		cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID=", "ROOT_SECRET_ACCESS_KEY=")
		if err := cmd.Start(); err != nil {
			log.Close()
			t.Fatalf("starting versitygw: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait(); log.Close() }()
		if err := waitForS3(endpoint, exited); err != nil {
			cmd.Process.Kill()
			out, _ := os.ReadFile(logFile)
			lastErr = fmt.Errorf("%v\n%s", err, out)
			continue
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			<-exited
		})
		q := url.Values{
			"endpoint":       {endpoint},
			"region":         {s3Region},
			"use_path_style": {"true"},
		}
		return &S3Server{
			Endpoint: endpoint,
			Bucket:   bucket,
			URL:      "s3://" + bucket + "?" + q.Encode(),
			Dir:      dir,
			Env: []string{
				"AWS_ACCESS_KEY_ID=" + s3AccessKey,
				"AWS_SECRET_ACCESS_KEY=" + s3SecretKey,
				"AWS_SESSION_TOKEN=",
				"AWS_PROFILE=",
				"AWS_CONFIG_FILE=" + os.DevNull,
				"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
				"AWS_EC2_METADATA_DISABLED=true",
			},
		}
	}
	t.Fatalf("starting versitygw: %v", lastErr)
	return nil
}

// freeLoopbackAddr returns a port of 127.0.0.1 that is free now.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitForS3 waits until the server answers HTTP (an anonymous request is
// refused, which is an answer), or it exits, or 30 seconds pass.
func waitForS3(endpoint string, exited <-chan error) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("versitygw exited: %v", err)
		default:
		}
		if res, err := client.Get(endpoint); err == nil {
			res.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("versitygw did not answer on %s within 30s", endpoint)
}
