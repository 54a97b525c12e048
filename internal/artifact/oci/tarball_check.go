package oci

import (
	"archive/tar"
	"fmt"
	"os"
)

// CheckTarballFile says whether file may be written as a docker tarball:
// it is missing, or it is a docker tarball already (one weld or another
// tool wrote, with a manifest.json). Anything else, such as the manifest
// given by mistake, is refused, so that --tarball never replaces a file
// that is not an image.
func CheckTarballFile(file string) error {
	fi, err := os.Lstat(file)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return fmt.Errorf("--tarball %s: %w", file, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("--tarball %s: refusing to replace it: it is not a regular file; choose another file name", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("--tarball %s: %w", file, err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	// weld writes manifest.json after the layers; a docker save writes it
	// among a few hundred entries at most.
	for i := 0; i < 10000; i++ {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Name == "manifest.json" && h.Typeflag == tar.TypeReg {
			return nil
		}
	}
	return fmt.Errorf("--tarball %s: refusing to replace this file: it is not a docker image tarball (no manifest.json); choose another file name, or remove it", file)
}
