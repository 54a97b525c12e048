package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/serve"
)

func newServeCmd() *cobra.Command {
	var (
		addr, catalogFile, storeURL string
		workers, queue              int
		timeout, abandon            time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve --catalog catalog.yaml [--addr 127.0.0.1:8088] [--store URL]",
		Short: "Build the compositions a catalog allows, on demand (web page and JSON API)",
		Long: `serve answers a web page and a JSON API (docs/serve.md) that build the apps and
plugins the catalog allows, for its targets and outputs. A build is keyed by
its composition's lock hash: identical requests share one build, and a
finished build is kept in the store (a gocloud.dev/blob URL, a directory by
default) and served from there. Builds wait in a bounded queue; weld serve
never runs the binaries it builds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if catalogFile == "" {
				return errors.New("serve needs --catalog FILE (see examples/catalog.yaml and docs/serve.md)")
			}
			if err := checkEnvironment("readonly"); err != nil {
				return err
			}
			cat, err := serve.LoadCatalog(catalogFile)
			if err != nil {
				return err
			}
			if storeURL == "" {
				dir, ok := outcache.Dir()
				if !ok {
					return errors.New("no cache directory for the store; pass --store URL")
				}
				storeURL = filepath.Join(dir, "serve")
			}
			store, err := serve.OpenStore(cmd.Context(), storeURL)
			if err != nil {
				return err
			}
			defer store.Close()
			log := slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), nil))
			srv, err := serve.New(serve.Config{Catalog: cat, Store: store, Workers: workers, Queue: queue,
				BuildTimeout: timeout, Abandon: abandon, Env: buildEnv(storeURL), Log: log})
			if err != nil {
				return err
			}
			defer srv.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
			fmt.Fprintf(cmd.ErrOrStderr(), "weld serve: http://%s/ (store %s)\n", ln.Addr(), storeURL)
			go func() {
				<-cmd.Context().Done()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				hs.Shutdown(ctx)
			}()
			if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8088", "address to listen on")
	f.StringVar(&catalogFile, "catalog", "", "the catalog: the apps, plugins, targets and outputs users may pick")
	f.StringVar(&storeURL, "store", "", "where finished builds are kept: a directory or a gocloud.dev/blob URL such as file:///srv/weld (default: weld's cache directory/serve)")
	f.IntVar(&workers, "workers", 2, "builds run at once")
	f.IntVar(&queue, "queue", 16, "builds that may wait for a worker; more are refused with 503 and Retry-After")
	f.DurationVar(&timeout, "build-timeout", 20*time.Minute, "a build that runs longer is stopped")
	f.DurationVar(&abandon, "abandon-after", time.Minute, "a build no client has waited for this long is cancelled")
	return cmd
}

// buildEnv is the environment of weld serve's builds: this one, with the
// go command's compile cache shared through the store (weld cacheprog),
// so that replicas reuse each other's compile results too, unless
// GOCACHEPROG is set already.
func buildEnv(storeURL string) []string {
	env := os.Environ()
	if os.Getenv("GOCACHEPROG") != "" {
		return env
	}
	exe, err := os.Executable()
	if err != nil || strings.ContainsAny(exe+storeURL, " '\"") {
		return env // not a command line the go command splits safely
	}
	return append(env, "GOCACHEPROG="+exe+" cacheprog --store "+storeURL)
}
