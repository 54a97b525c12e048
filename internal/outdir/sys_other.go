//go:build !unix

package outdir

import "io/fs"

// dirID is unknown here, so a marker beside a directory never matches and
// such a directory is replaced only when empty.
func dirID(fs.FileInfo) string { return "" }

// lockDir does nothing here; Commit copes with races by checking what it
// moved aside and retrying.
func lockDir(string) (unlock func(), locked bool) { return func() {}, false }
