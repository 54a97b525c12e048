package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/lockpolicy"
	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
)

func newLockCmd() *cobra.Command {
	var cf composeFlags
	var ev eventFlags
	cmd := &cobra.Command{
		Use:   "lock [-f weld.yaml]",
		Short: "Resolve the composition and write weld.lock",
		Long: `lock resolves the composition and writes weld.lock beside the manifest: the
go toolchain version, the exact version of the app and every plugin, every
module of the build list with its go.sum hashes, and a content hash of each
local module. Entries that did not change keep their locked versions.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return openWithLock(cmd, &cf, ev.steps(cmd), lockpolicy.Relock, nil)
		},
	}
	cf.register(cmd.Flags())
	ev.register(cmd.Flags())
	return cmd
}

func newUpdateCmd() *cobra.Command {
	var cf composeFlags
	var ev eventFlags
	cmd := &cobra.Command{
		Use:   "update [-f weld.yaml] [MODULE...]",
		Short: "Move plugins to the newest versions the manifest allows",
		Long: `update re-resolves the named app or plugin modules (all of them when none is
named) to the newest version their manifest version allows (for example
latest, or v1 for the newest v1.x.y), rewrites weld.lock and prints
"module old → new" for every module that changed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return openWithLock(cmd, &cf, ev.steps(cmd), lockpolicy.Update, args)
		},
	}
	cf.register(cmd.Flags())
	ev.register(cmd.Flags())
	return cmd
}

func openWithLock(cmd *cobra.Command, cf *composeFlags, steps *progress.Steps, mode lockpolicy.Mode, update []string) error {
	s, err := cf.load()
	if err != nil {
		return failed(steps, err)
	}
	if s.File == "" {
		return failed(steps, fmt.Errorf("a lock needs a manifest: weld.lock is written beside weld.yaml"))
	}
	o := cf.options(s, cmd.ErrOrStderr())
	o.Steps = steps
	o.LockMode, o.Update = mode, update
	sess, err := pipeline.Open(cmd.Context(), o)
	if err != nil {
		return failed(steps, err)
	}
	defer sess.Close()
	if err := sess.LockTargets(cmd.Context()); err != nil {
		return failed(steps, err)
	}
	// The lock, for machines; people have read "wrote weld.lock".
	lockFile := filepath.Join(s.Dir, lock.FileName)
	info := progress.ArtifactInfo{Kind: "lock", Path: lockFile}
	if steps.Structured() {
		info.SHA256, _ = atomicfile.SHA256(lockFile)
	}
	steps.Artifact(info, "")
	return nil
}
