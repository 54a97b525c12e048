package main

import (
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/weldgo/weld/internal/testtools"
)

// The independent verifiers of this package's tests (internal/testtools
// installs them).
const (
	cyclonedxGomod = testtools.CyclonedxGomod
	cosignTool     = testtools.Cosign
)

func mustGoTool(t testing.TB, pkgAtVersion string) string {
	return testtools.MustGoTool(t, pkgAtVersion)
}

func withoutTestProxy(env []string) []string { return testtools.WithoutTestProxy(env) }

// startS3 starts a real S3-compatible server (testtools.StartS3).
func startS3(t testing.TB) *testtools.S3Server { return testtools.StartS3(t) }

// cmdCosign runs the real cosign CLI (installed on first use) with the
// script's arguments: `cosign verify-blob --key weld.pub ...`. Its output
// goes to the script's stdout and stderr; ! cosign expects a failure.
func cmdCosign(ts *testscript.TestScript, neg bool, args []string) {
	bin, err := testtools.GoTool(cosignTool)
	if err != nil {
		ts.Fatalf("%v", err)
	}
	err = ts.Exec(bin, args...)
	if err != nil && !neg {
		ts.Fatalf("cosign %s: %v", strings.Join(args, " "), err)
	}
	if err == nil && neg {
		ts.Fatalf("cosign %s succeeded unexpectedly", strings.Join(args, " "))
	}
}
