package oci

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func TestPolicyFor(t *testing.T) {
	allHTTP := HTTPPolicy{HTTP: true, Credentials: true}
	httpOnly := HTTPPolicy{HTTP: true}
	httpsOnly := HTTPPolicy{}
	tests := []struct {
		host     string
		insecure []string
		want     HTTPPolicy
	}{
		{"localhost", nil, allHTTP},
		{"localhost:5000", nil, allHTTP},
		{"LOCALHOST:5000", nil, allHTTP},
		{"127.0.0.1:5000", nil, allHTTP},
		{"127.3.4.5", nil, allHTTP},
		{"[::1]:5000", nil, allHTTP},
		{"::1", nil, allHTTP},
		// Private ranges, where go-containerregistry alone falls back to http.
		{"10.1.2.3:5000", nil, httpsOnly},
		{"172.16.0.1", nil, httpsOnly},
		{"172.31.255.1:443", nil, httpsOnly},
		{"192.168.1.10:5000", nil, httpsOnly},
		{"registry.example.com", nil, httpsOnly},
		{"localhost.example.com", nil, httpsOnly},
		{"128.0.0.1", nil, httpsOnly},
		// Named by the user: http, but never credentials.
		{"10.1.2.3:5000", []string{"10.1.2.3:5000"}, httpOnly},
		{"10.1.2.3:5000", []string{"10.1.2.3"}, httpOnly},
		{"10.1.2.3:5001", []string{"10.1.2.3:5000"}, httpsOnly},
		{"10.1.2.4:5000", []string{"10.1.2.3"}, httpsOnly},
		{"Registry.Lan:5000", []string{"registry.lan"}, httpOnly},
		{"127.0.0.1:5000", []string{"10.1.2.3"}, allHTTP},
	}
	for _, tt := range tests {
		if got := PolicyFor(tt.host, tt.insecure); got != tt.want {
			t.Errorf("PolicyFor(%q, %q) = %+v, want %+v", tt.host, tt.insecure, got, tt.want)
		}
	}
}

// fakeRegistry answers like a registry that has no https and wants basic
// authentication, and records every request that reaches it. It never
// opens a connection: no test may reach a registry off this machine.
type fakeRegistry struct {
	mu   sync.Mutex
	seen []string // "scheme host path auth=yes|no"
}

func (f *fakeRegistry) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	auth := "no"
	if req.Header.Get("Authorization") != "" {
		auth = "yes"
	}
	f.seen = append(f.seen, req.URL.Scheme+" "+req.URL.Host+" "+req.URL.Path+" auth="+auth)
	f.mu.Unlock()
	if req.URL.Scheme == "https" {
		return nil, errors.New("simulated: the registry does not speak https")
	}
	resp := &http.Response{StatusCode: http.StatusUnauthorized, Header: http.Header{}, Request: req,
		Body: io.NopCloser(strings.NewReader(`{"errors":[{"code":"UNAUTHORIZED"}]}`))}
	resp.Header.Set("WWW-Authenticate", `Basic realm="registry"`)
	return resp, nil
}

func (f *fakeRegistry) requests(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, s := range f.seen {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// withCredentials points the Docker config at one with credentials for host.
func withCredentials(t *testing.T, host string) {
	dir := t.TempDir()
	cfg := `{"auths":{"` + host + `":{"auth":"d2VsZDpzZWNyZXQ="}}}` // weld:secret
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
}

func TestPushToPrivateAddressSendsNothingOverHTTP(t *testing.T) {
	const host = "10.1.2.3:5000"
	withCredentials(t, host)
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}

	// The leak this guards against: go-containerregistry alone falls back
	// to http for a private address and sends the credentials in clear.
	t.Run("unguarded", func(t *testing.T) {
		fake := &fakeRegistry{}
		ref, err := name.NewTag(host + "/team/app:1")
		if err != nil {
			t.Fatal(err)
		}
		_ = remote.Write(ref, img, remote.WithContext(context.Background()), remote.WithTransport(fake),
			remote.WithAuthFromKeychain(authn.DefaultKeychain))
		// Without the leak to compare with, the cases below would prove
		// nothing about the guard.
		leaked := false
		for _, r := range fake.requests("http ") {
			leaked = leaked || strings.HasSuffix(r, "auth=yes")
		}
		if !leaked {
			t.Fatalf("the fake registry saw no credentials over http without the guard (%q): the cases below test nothing", fake.seen)
		}
	})

	t.Run("default", func(t *testing.T) {
		fake := &fakeRegistry{}
		_, err := Registry{Ref: host + "/team/app", Tags: []string{"1"}, Net: Network{Transport: fake}}.Publish(context.Background(), Artifact{Image: img})
		if err == nil || !strings.Contains(err.Error(), "refusing plain http to "+host) {
			t.Fatalf("push error = %v, want a refusal of plain http", err)

		}
		if got := fake.requests("http "); len(got) != 0 {
			t.Errorf("requests went over plain http: %q", got)
		}
	})

	t.Run("insecure-registry", func(t *testing.T) {
		fake := &fakeRegistry{}
		_, err := Registry{Ref: host + "/team/app", Tags: []string{"1"}, Net: Network{Insecure: []string{"10.1.2.3"}, Transport: fake}}.Publish(context.Background(), Artifact{Image: img})
		if err == nil || !strings.Contains(err.Error(), "refusing to send credentials to "+host+" over plain http") {
			t.Fatalf("push error = %v, want a refusal to send credentials", err)
		}
		if len(fake.requests("http ")) == 0 {
			t.Errorf("a named insecure registry was not tried over http")
		}
		for _, r := range fake.requests("http ") {
			if strings.HasSuffix(r, "auth=yes") {
				t.Errorf("credentials went over plain http: %s", r)
			}
		}
	})
}

func TestGuardPassesHTTPS(t *testing.T) {
	fake := &fakeRegistry{}
	g := guard{next: fake}
	req, _ := http.NewRequest("GET", "https://10.1.2.3:5000/v2/", nil)
	req.Header.Set("Authorization", "Basic x")
	if _, err := g.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "simulated") {
		t.Fatalf("https request: %v, want it passed to the transport", err)
	}
	if got := fake.requests("https "); len(got) != 1 || !strings.HasSuffix(got[0], "auth=yes") {
		t.Errorf("transport saw %q", got)
	}
}
