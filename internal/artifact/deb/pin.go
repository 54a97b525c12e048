package deb

// Pin is one Debian package exactly as downloaded: enough to fetch it
// again and to check that it is the same file. weld.lock records these
// for every sysroot, and the sysroot is assembled from them.
type Pin struct {
	Package      string `json:"package"`
	Version      string `json:"version"`
	Architecture string `json:"architecture"`
	Filename     string `json:"filename"` // relative to the archive root
	SHA256       string `json:"sha256"`
}
