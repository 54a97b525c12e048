package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print weld's version",
		Long: `version prints the version weld was installed at (go install …@VERSION),
or, for a weld built from a checkout with VCS stamping (go install
-buildvcs=true ./cmd/weld), the commit it was built from; then the Go
toolchain and platform.`,
		Args: cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			bi, _ := debug.ReadBuildInfo()
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s %s/%s\n", describeVersion(bi), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		},
	}
}

// describeVersion says which weld this is, from its build info: the
// module version it was installed at, then the commit it was built from
// when the build stamped one. A build with neither (go build with
// -buildvcs=false, as some machines set in GOFLAGS) is "(devel)".
func describeVersion(bi *debug.BuildInfo) string {
	version := "(devel)"
	if bi != nil && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	s := "weld " + version
	if bi == nil {
		return s
	}
	settings := map[string]string{}
	for _, kv := range bi.Settings {
		settings[kv.Key] = kv.Value
	}
	rev := settings["vcs.revision"]
	if rev == "" {
		return s
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	details := []string{}
	if t := settings["vcs.time"]; t != "" {
		details = append(details, t)
	}
	if settings["vcs.modified"] == "true" {
		details = append(details, "modified")
	}
	s += " commit " + rev
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s
}
