package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/compose"
	"github.com/weldgo/weld/internal/inspect"
)

func newInspectCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inspect BINARY [--json]",
		Short: "Show the app, plugins and module versions compiled into a binary",
		Long: `inspect reads any Go executable (ELF, PE or Mach-O, any architecture): the
composition that weld recorded in it, and every module version from its
build info.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := inspect.Read(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			printInfo(cmd.OutOrStdout(), info)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printInfo(w io.Writer, info *inspect.Info) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "binary\t%s\n", info.Path)
	fmt.Fprintf(tw, "go\t%s\n", info.GoVersion)
	fmt.Fprintf(tw, "target\t%s\n", info.Target)
	if r := info.Record; r != nil {
		fmt.Fprintf(tw, "name\t%s\n", r.Name)
		fmt.Fprintf(tw, "app\t%s %s\n", r.App.Path, r.App.Version)
		if r.Entry != "" {
			fmt.Fprintf(tw, "entry\t%s\n", r.Entry)
		} else {
			fmt.Fprintf(tw, "main\t%s\n", r.Main)
		}
		x := info.Extra
		if x != nil && x.Adapter != "" {
			fmt.Fprintf(tw, "adapter\t%s %s (wiring: %s)\n", x.Adapter, x.Hash, x.Wiring)
		}
		fmt.Fprintf(tw, "plugins\t%d\n", len(r.Plugins))
		for i, p := range r.Plugins {
			line := fmt.Sprintf("  plugin\t%s %s\t%s", p.Module.Path, p.Module.Version, p.Package)
			if x != nil && i < len(x.Plugins) && x.Plugins[i].Package == p.Package {
				line += wiredAs(x.Plugins[i])
			}
			fmt.Fprintln(tw, line)
		}
		if x != nil {
			for _, d := range x.Defaults {
				fmt.Fprintf(tw, "  default\t%s %s\t%s%s\n", d.Module.Path, d.Module.Version, d.Package, wiredAs(d))
			}
		}
	} else {
		fmt.Fprintf(tw, "main\t%s\n", info.Main)
		fmt.Fprintf(tw, "composition\tnone (not built by weld)\n")
	}
	fmt.Fprintf(tw, "modules\t%d\n", len(info.Modules))
	for _, m := range info.Modules {
		line := fmt.Sprintf("  mod\t%s %s", m.Path, m.Version)
		if m.Replace != "" {
			line += " => " + m.Replace
		}
		if m.Sum != "" {
			line += "\t" + m.Sum
		} else if h := localHash(info.Extra, m.Path); h != "" {
			line += "\t" + h
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}

// wiredAs is how an adapter wired a plugin: its kind or its name.
func wiredAs(p compose.ExtraPlugin) string {
	switch {
	case p.Kind != "":
		return "\tkind " + p.Kind
	case p.Name != "":
		return "\tname " + p.Name
	}
	return ""
}

// localHash is the content hash the extra record gives a local module.
func localHash(x *compose.RecordExtra, module string) string {
	if x == nil {
		return ""
	}
	for _, l := range x.Locals {
		if l.Module == module {
			return l.Hash
		}
	}
	return ""
}
