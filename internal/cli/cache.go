package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/outcache"
)

func newCacheCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show what weld's cache holds",
		Long: `cache shows weld's cache directory ($WELD_CACHE, or the user cache
directory's weld) and, per area, its entries and their size: built
outputs, packages and attestations, resolved compositions, verified module
fingerprints, sysroots and Debian packages.

weld keeps the cache under WELD_CACHE_MAX_SIZE (default 10G; off for no
limit), checked at most once a day after a command: the least recently
used entries go first. weld cache prune evicts on demand.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, ok := outcache.Dir()
			if !ok {
				return errors.New("weld's cache is off (WELD_CACHE=off)")
			}
			usage, err := outcache.Usage(dir)
			if err != nil {
				return fmt.Errorf("reading weld's cache %s: %w", dir, err)
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"dir": dir, "areas": usage})
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "cache\t%s\n", dir)
			var total int64
			for _, u := range usage {
				fmt.Fprintf(tw, "%s\t%d entries\t%s\n", u.Name, u.Entries, outcache.FormatSize(u.Bytes))
				total += u.Bytes
			}
			fmt.Fprintf(tw, "total\t\t%s\n", outcache.FormatSize(total))
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(newCachePruneCmd())
	return cmd
}

func newCachePruneCmd() *cobra.Command {
	var maxSize string
	var olderThan time.Duration
	cmd := &cobra.Command{
		Use:   "prune [--max-size N] [--older-than D]",
		Short: "Evict least recently used entries from weld's cache",
		Long: `prune evicts entries of weld's cache: those unused for longer than
--older-than (such as 720h), then the least recently used until the cache
fits --max-size (such as 5G). With neither, it applies WELD_CACHE_MAX_SIZE
(default 10G). It is safe while builds run: an entry is moved aside in one
rename before it is removed, so a build finds it whole or not at all, and
a sysroot used within the last hour is kept.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, ok := outcache.Dir()
			if !ok {
				return errors.New("weld's cache is off (WELD_CACHE=off)")
			}
			var o outcache.PruneOptions
			switch {
			case maxSize != "":
				n, err := outcache.ParseSize(maxSize)
				if err != nil {
					return fmt.Errorf("--max-size: %w", err)
				}
				o.MaxBytes = n
			case olderThan == 0:
				o.MaxBytes = outcache.DefaultMaxSize
			}
			o.OlderThan = olderThan
			p, err := outcache.Prune(dir, o)
			if err != nil {
				return err
			}
			line := fmt.Sprintf("evicted %d entries, %s", p.Entries, outcache.FormatSize(p.Bytes))
			if p.Kept > 0 {
				line += fmt.Sprintf("; kept %d sysroots used within the hour (a build may be using them)", p.Kept)
			}
			fmt.Fprintln(cmd.OutOrStdout(), line)
			return nil
		},
	}
	cmd.Flags().StringVar(&maxSize, "max-size", "", "evict until the cache holds at most this much (such as 5G)")
	cmd.Flags().DurationVar(&olderThan, "older-than", 0, "evict entries unused for longer than this (such as 720h)")
	return cmd
}
