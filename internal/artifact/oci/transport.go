package oci

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Network says how weld may speak to registries. go-containerregistry on
// its own falls back to plain http for private address ranges and sends
// the Docker config's credentials along; weld allows plain http only for
// this machine and for hosts the user names, and never sends credentials
// in clear text to another machine. The rule is enforced in the transport
// under every request, so it holds for pings, token requests, redirects,
// pulls of base images and pushes alike.
type Network struct {
	// Insecure lists registry hosts (host or host:port) the user named
	// with --insecure-registry: plain http is allowed for them, but
	// without credentials.
	Insecure []string
	// Transport carries the requests that pass the rule; nil means
	// remote.DefaultTransport. Tests put a recorder here.
	Transport http.RoundTripper
}

// HTTPPolicy is what may go over plain http to one host.
type HTTPPolicy struct {
	// HTTP allows plain http at all.
	HTTP bool
	// Credentials allows an Authorization header over plain http.
	Credentials bool
}

// PolicyFor returns the plain-http policy for a registry host (with or
// without a port): loopback hosts may use http with credentials, hosts
// named in insecure may use http without them, any other host https only.
func PolicyFor(host string, insecure []string) HTTPPolicy {
	if isLoopback(host) {
		return HTTPPolicy{HTTP: true, Credentials: true}
	}
	for _, h := range insecure {
		if sameHost(h, host) {
			return HTTPPolicy{HTTP: true}
		}
	}
	return HTTPPolicy{}
}

// isLoopback reports whether host (host or host:port) is this machine:
// localhost, 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	h := hostOnly(host)
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// sameHost compares a named insecure registry with a request's host: a
// name without a port matches the host on any port.
func sameHost(named, host string) bool {
	if strings.EqualFold(named, host) {
		return true
	}
	if hostOnly(named) == named {
		return strings.EqualFold(named, hostOnly(host))
	}
	return false
}

func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.Trim(host, "[]")
}

// NameOptions are the reference options for ref: name.Insecure (which lets
// go-containerregistry try http after https) only where plain http is
// allowed.
func (n Network) NameOptions(ref string) []name.Option {
	host, _, _ := strings.Cut(ref, "/")
	if PolicyFor(host, n.Insecure).HTTP {
		return []name.Option{name.Insecure}
	}
	return nil
}

// RemoteOptions are the options for every registry call: the context, the
// Docker config's credentials and the guarded transport.
func (n Network) RemoteOptions(ctx context.Context) []remote.Option {
	next := n.Transport
	if next == nil {
		next = remote.DefaultTransport
	}
	return []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithTransport(guard{next: next, insecure: n.Insecure})}
}

// guard refuses plain http that PolicyFor does not allow, before any
// connection is made.
type guard struct {
	next     http.RoundTripper
	insecure []string
}

func (g guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" {
		return g.next.RoundTrip(req)
	}
	host := req.URL.Host
	p := PolicyFor(host, g.insecure)
	if !p.HTTP {
		return nil, fmt.Errorf("refusing plain http to %s: only registries on this machine may use http; name the host with --insecure-registry %s if it has no https", host, hostOnly(host))
	}
	if !p.Credentials && (req.Header.Get("Authorization") != "" || req.URL.User != nil) {
		return nil, fmt.Errorf("refusing to send credentials to %s over plain http: serve the registry over https, or push without credentials for it", host)
	}
	return g.next.RoundTrip(req)
}
