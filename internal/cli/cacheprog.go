package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/cacheprog"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/store"
)

func newCacheprogCmd() *cobra.Command {
	var storeURL, dir string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "cacheprog --store URL",
		Short: "Share Go compile results through an object store (GOCACHEPROG)",
		Long: `cacheprog is a build cache program for the go command: with

  GOCACHEPROG="weld cacheprog --store s3://BUCKET?region=REGION"

every go build, go test and weld build asks the store for compile results
before compiling, and adds what it compiles. Machines that share a store
share their work.

The store is file:///DIR (or a plain path) or s3://BUCKET?region=REGION;
an S3-compatible server adds endpoint=http://HOST:PORT&use_path_style=true.
Credentials come from the environment (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, AWS_PROFILE). Anyone who can write the store can
change what builds that read it link: give write access to trusted
builders only.

Results are kept locally in --dir (default: cacheprog in weld's cache,
pruned with it). An object that is missing, corrupt or unreachable is a
miss: the go command compiles instead, and the build does not fail.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if storeURL == "" {
				return errors.New("cacheprog: --store is required: file:///DIR or s3://BUCKET?region=REGION")
			}
			if dir == "" {
				cacheDir, ok := outcache.Dir()
				if !ok {
					return errors.New("cacheprog: weld's cache is off (WELD_CACHE=off); give --dir for the local files")
				}
				dir = filepath.Join(cacheDir, outcache.CacheprogDir)
			}
			bucket, err := store.Open(cmd.Context(), storeURL)
			if err != nil {
				return fmt.Errorf("cacheprog: %w", err)
			}
			defer bucket.Close()
			c := &cacheprog.Cache{Bucket: bucket, Dir: dir, Log: cmd.ErrOrStderr(), Verbose: verbose}
			// The protocol runs on the process's own standard input and
			// output, which the go command holds.
			if err := cacheprog.Serve(cmd.Context(), c, cmd.InOrStdin(), cmd.OutOrStdout()); err != nil {
				return fmt.Errorf("cacheprog: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&storeURL, "store", "", "object store URL: file:///DIR or s3://BUCKET?region=REGION")
	cmd.Flags().StringVar(&dir, "dir", "", "local directory for the files the go command reads (default: weld's cache)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log every request and a summary to standard error")
	return cmd
}
