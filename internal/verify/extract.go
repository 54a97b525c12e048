package verify

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// maxBinary bounds the program read out of an archive or package.
const maxBinary = 2 << 30

// program returns the Go program an artifact holds: the artifact itself
// for an executable, or the member named name (name.exe for Windows) of a
// tar.gz, a zip, or a .deb's data.tar.gz (/usr/bin/name), extracted into
// tmpDir, which the caller removes.
func program(artifact, name, tmpDir string) (string, error) {
	switch {
	case strings.HasSuffix(artifact, ".tar.gz"):
		f, err := os.Open(artifact)
		if err != nil {
			return "", err
		}
		defer f.Close()
		return fromTarGz(f, func(n string) bool { return path.Base(n) == name }, tmpDir)
	case strings.HasSuffix(artifact, ".zip"):
		z, err := zip.OpenReader(artifact)
		if err != nil {
			return "", err
		}
		defer z.Close()
		for _, f := range z.File {
			if path.Base(f.Name) == name+".exe" || path.Base(f.Name) == name {
				r, err := f.Open()
				if err != nil {
					return "", err
				}
				defer r.Close()
				return save(r, tmpDir)
			}
		}
		return "", fmt.Errorf("%s holds no %s.exe", artifact, name)
	case strings.HasSuffix(artifact, ".deb"):
		f, err := os.Open(artifact)
		if err != nil {
			return "", err
		}
		defer f.Close()
		data, err := arMember(f, "data.tar.gz")
		if err != nil {
			return "", fmt.Errorf("%s: %w", artifact, err)
		}
		return fromTarGz(data, func(n string) bool { return strings.TrimPrefix(n, ".") == "/usr/bin/"+name }, tmpDir)
	}
	return artifact, nil
}

func fromTarGz(r io.Reader, want func(string) bool, tmpDir string) (string, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return "", err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return "", fmt.Errorf("the archive holds no program")
		}
		if err != nil {
			return "", err
		}
		if h.Typeflag == tar.TypeReg && want(h.Name) {
			return save(tr, tmpDir)
		}
	}
}

func save(r io.Reader, tmpDir string) (string, error) {
	f, err := os.CreateTemp(tmpDir, "weld-verify-")
	if err != nil {
		return "", err
	}
	defer f.Close()
	n, err := io.Copy(f, io.LimitReader(r, maxBinary+1))
	if err == nil && n > maxBinary {
		err = fmt.Errorf("the program is larger than %d bytes", maxBinary)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// arMember returns the content of one member of an ar archive (a .deb).
func arMember(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic := make([]byte, 8)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != "!<arch>\n" {
		return nil, fmt.Errorf("not an ar archive")
	}
	for {
		hdr := make([]byte, 60)
		if _, err := io.ReadFull(br, hdr); err != nil {
			return nil, fmt.Errorf("no %s member", name)
		}
		size, err := strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
		if err != nil || size < 0 || size > maxBinary {
			return nil, fmt.Errorf("malformed ar header")
		}
		member := strings.TrimSuffix(strings.TrimSpace(string(hdr[0:16])), "/")
		if member == name {
			data := make([]byte, size)
			if _, err := io.ReadFull(br, data); err != nil {
				return nil, err
			}
			return bytes.NewReader(data), nil
		}
		if _, err := br.Discard(int(size + size%2)); err != nil {
			return nil, err
		}
	}
}
