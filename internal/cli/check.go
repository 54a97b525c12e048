package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/mod/semver"

	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
)

// Verdicts of weld check, one per plugin and app version.
const (
	verdictOK           = "ok"
	verdictIncompatible = "incompatible"
	verdictNoCompile    = "does not compile"
	verdictNeedsApp     = "needs app"
)

// checkCell is the verdict on one plugin composed with one app version.
type checkCell struct {
	Plugin     string `json:"plugin"`
	AppVersion string `json:"app_version"`
	Verdict    string `json:"verdict"`
	// Reason is the incompatible uses, the first compile error, or the
	// app version the plugin needs.
	Reason string `json:"reason,omitempty"`
}

// String is the cell's verdict as the table prints it.
func (c checkCell) String() string {
	switch c.Verdict {
	case verdictOK:
		return c.Verdict
	case verdictNeedsApp:
		return "needs app ≥ " + c.Reason
	}
	return c.Verdict + " (" + c.Reason + ")"
}

func newCheckCmd() *cobra.Command {
	var cf composeFlags
	var appVersions []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check [-f weld.yaml] [--app-versions V1,V2] [--json]",
		Short: "Tell which plugin works with which app version, without building",
		Long: `check composes each plugin of the manifest alone with each app version (the
manifest's, or those of --app-versions) and prints a verdict for each pair:
ok; incompatible, with each API change the plugin uses (see weld build's API
check); does not compile, with the first error; or needs app ≥ vX, when the
plugin requires a newer app. It builds no binary: packages are compiled for
their type information only. It reads and writes no weld.lock. The exit
status is 1 when a plugin is incompatible or does not compile.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := cf.load()
			if err != nil {
				return err
			}
			versions := appVersions
			if len(versions) == 0 {
				versions = []string{s.App.Version}
			} else if s.App.Local() {
				return fmt.Errorf("--app-versions: the app %s is a local directory (%s); name it by module and version to check versions", s.App.Module, s.App.RelDir)
			}
			steps := progress.New(cmd.ErrOrStderr())
			var cells []checkCell
			for _, v := range versions {
				for _, p := range s.Plugins {
					done := steps.Start("checking", fmt.Sprintf("%s with app %s", p.Source, appLabel(v)))
					cells = append(cells, checkPair(cmd.Context(), cf.options(s, cmd.ErrOrStderr()), s, p, v))
					done()
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				err = enc.Encode(cells)
			} else {
				err = printChecks(cmd.OutOrStdout(), cells)
			}
			if err != nil {
				return err
			}
			failed := 0
			for _, c := range cells {
				if c.Verdict == verdictIncompatible || c.Verdict == verdictNoCompile {
					failed++
				}
			}
			if failed > 0 {
				return fmt.Errorf("check: %d of %d plugin and app version pairs are incompatible or do not compile", failed, len(cells))
			}
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringSliceVar(&appVersions, "app-versions", nil, "app versions to check each plugin against (default: the manifest's)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the verdicts as JSON")
	return cmd
}

func appLabel(v string) string {
	if v == "" {
		return "(local)"
	}
	return v
}

// checkPair composes the plugin alone with the app at version v (the
// manifest's app when v is its own) and says how they fare together.
func checkPair(ctx context.Context, o pipeline.Options, s *spec.Spec, p spec.Plugin, v string) checkCell {
	cell := checkCell{Plugin: p.Source.String(), AppVersion: appLabel(v)}
	one := *s
	one.File = "" // no lock is read or written
	one.App.Version = v
	one.Plugins = []spec.Plugin{p}
	o.Spec, o.LockMode, o.Steps = &one, lockpolicy.None, nil
	o.AllowAppUpgrade, o.AllowIncompatible = true, true // verdicts, not errors
	sess, err := pipeline.Open(ctx, o)
	if err != nil {
		cell.Verdict, cell.Reason = verdictNoCompile, firstLine(err.Error())
		return cell
	}
	defer sess.Close()
	if got := sess.Comp.App.Version; semver.IsValid(v) && semver.Compare(got, v) > 0 {
		cell.Verdict, cell.Reason = verdictNeedsApp, got
		return cell
	}
	if f := sess.APIFindings; len(f) > 0 {
		var uses []string
		for _, x := range f {
			uses = append(uses, strings.TrimPrefix(x.String(), "plugin "+x.Plugin+" "))
		}
		cell.Verdict, cell.Reason = verdictIncompatible, strings.Join(uses, "; ")
		return cell
	}
	errs, err := sess.CompileErrors(ctx)
	if err != nil {
		cell.Verdict, cell.Reason = verdictNoCompile, firstLine(err.Error())
		return cell
	}
	for _, msg := range errs {
		cell.Verdict, cell.Reason = verdictNoCompile, msg
		return cell
	}
	cell.Verdict = verdictOK
	return cell
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// printChecks prints one row per plugin and app version.
func printChecks(w io.Writer, cells []checkCell) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PLUGIN\tAPP\tVERDICT")
	for _, c := range cells {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Plugin, c.AppVersion, c)
	}
	return tw.Flush()
}
