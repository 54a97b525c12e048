package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// emptyTrustedRoot is a Sigstore trusted root with no authorities, so that
// cosign looks nothing up: weld's signatures are checked with the key
// alone.
const emptyTrustedRoot = `{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`

// checkCosignSignatures verifies with the real cosign CLI what weld image
// --sign-key pushed to repo: the signature of the index and of each
// platform image, and the signed provenance attestation, with the public
// key pub; and that a key made with keygen at otherPrefix verifies none.
func checkCosignSignatures(t *testing.T, repo string, built imageOut, pub, otherPrefix string) {
	t.Helper()
	cosign := mustGoTool(t, cosignTool)
	root := filepath.Join(t.TempDir(), "trusted_root.json")
	if err := os.WriteFile(root, []byte(emptyTrustedRoot), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		args = append(args[:len(args)-1:len(args)-1], "--trusted-root", root, args[len(args)-1])
		out, err := exec.Command(cosign, args...).CombinedOutput()
		return string(out), err
	}
	refs := []string{repo + "@" + built.index}
	for _, d := range built.images {
		refs = append(refs, repo+"@"+d)
	}
	for _, ref := range refs {
		out, err := run("verify", "--key", pub, "--insecure-ignore-tlog=true", ref)
		if err != nil {
			t.Errorf("cosign verify %s: %v\n%s", ref, err, out)
		} else if digest := ref[strings.LastIndex(ref, "@")+1:]; !strings.Contains(out, `"docker-manifest-digest":"`+digest+`"`) {
			t.Errorf("cosign verify %s printed no payload naming %s:\n%s", ref, digest, out)
		}
	}
	attest := []string{"verify-attestation", "--key", pub, "--type", "slsaprovenance1", "--insecure-ignore-tlog=true", refs[0]}
	if out, err := run(attest...); err != nil {
		t.Errorf("cosign verify-attestation %s: %v\n%s", refs[0], err, out)
	}

	weldRun(t, "keygen", "--output-key-prefix", otherPrefix)
	other := otherPrefix + ".pub"
	for _, ref := range refs {
		if out, err := run("verify", "--key", other, "--insecure-ignore-tlog=true", ref); err == nil || !strings.Contains(out, "no matching signatures") {
			t.Errorf("cosign verify %s with another key: %v, want no matching signatures\n%s", ref, err, out)
		}
	}
	attest[2] = other
	if out, err := run(attest...); err == nil || !strings.Contains(out, "no matching attestations") {
		t.Errorf("cosign verify-attestation %s with another key: %v, want no matching attestations\n%s", refs[0], err, out)
	}
}
