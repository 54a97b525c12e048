package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// cmdFormatOneLock rewrites a weld.lock as a weld of lock format 1 wrote
// it: header "weld-lock 1", and each local module's hash the go.sum hash of
// the module zip of its directory (which leaves out symlinks and names a
// zip rejects). It computes that hash with x/mod alone, not with weld's
// code, so that a script checks weld against the real format 1 rule:
//
//	formatonelock FILE
func cmdFormatOneLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: formatonelock FILE")
	}
	file := ts.MkAbs(args[0])
	data, err := os.ReadFile(file)
	ts.Check(err)
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "weld-lock":
			lines[i] = "weld-lock 1"
		case len(f) == 4 && f[0] == "local":
			rel, err := url.PathUnescape(f[2])
			ts.Check(err)
			h, err := moduleZipHash(filepath.Join(filepath.Dir(file), filepath.FromSlash(rel)), f[1], ts.MkAbs(".gomodzip"))
			ts.Check(err)
			lines[i] = strings.Join([]string{f[0], f[1], f[2], h}, " ")
		}
	}
	ts.Check(os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644))
}

// moduleZipHash is the go.sum h1: hash of the module zip of dir.
func moduleZipHash(dir, modulePath, scratch string) (string, error) {
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return "", err
	}
	zf, err := os.CreateTemp(scratch, "*.zip")
	if err != nil {
		return "", err
	}
	defer os.Remove(zf.Name())
	err = modzip.CreateFromDir(zf, module.Version{Path: modulePath, Version: "v0.0.0"}, dir)
	if cerr := zf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("zipping %s: %w", dir, err)
	}
	return dirhash.HashZip(zf.Name(), dirhash.Hash1)
}
