//go:build !unix

package modverify

import "io/fs"

// sysStat has nothing to add where there is no inode or change time.
func sysStat(fs.FileInfo) string { return "" }
