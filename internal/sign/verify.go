package sign

import (
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/weldgo/weld/internal/atomicfile"
)

// VerifyFile checks file against its Sigstore bundle (bundlePath, or
// FILE.sigstore.json when it is "") with sigstore-go's verifier: the
// signature must be pub's, over file's bytes. The key is the only trust:
// no transparency log entry or timestamp is required, as cosign
// verify-blob --key --insecure-ignore-tlog does. pubFile names the key in
// errors.
func VerifyFile(file, bundlePath string, pub crypto.PublicKey, pubFile string) error {
	if bundlePath == "" {
		bundlePath = BundlePath(file)
	}
	b, err := sgbundle.LoadJSONFromPath(bundlePath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s is not signed: there is no %s; sign the build with --sign-key (or give the bundle with --bundle)", file, bundlePath)
	case err != nil:
		return fmt.Errorf("%s is not a Sigstore bundle: %v", bundlePath, err)
	}
	verifier, err := signature.LoadDefaultVerifier(pub)
	if err != nil {
		return fmt.Errorf("public key %s: %w", pubFile, err)
	}
	// Whatever key the bundle hints at, only pub is trusted.
	trusted := root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
		return root.NewExpiringKey(verifier, time.Time{}, time.Time{}), nil
	})
	v, err := verify.NewVerifier(trusted, verify.WithNoObserverTimestamps())
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := v.Verify(b, verify.NewPolicy(verify.WithArtifact(f), verify.WithKey())); err != nil {
		return explainFailure(file, bundlePath, pubFile, pub, b.Bundle, err)
	}
	return nil
}

// explainFailure says why a bundle did not verify, in the user's terms:
// the file changed after it was signed, or another key signed it. The
// verifier's verdict stands; this only chooses the words.
func explainFailure(file, bundlePath, pubFile string, pub crypto.PublicKey, b *protobundle.Bundle, verr error) error {
	if msg := b.GetMessageSignature(); msg != nil && msg.GetMessageDigest() != nil {
		signed := hex.EncodeToString(msg.GetMessageDigest().GetDigest())
		if sum, err := atomicfile.SHA256(file); err == nil && sum != signed {
			return fmt.Errorf("%s changed after it was signed: its sha256 is %s, %s signs %s", file, sum, bundlePath, signed)
		}
	}
	want, _ := Hint(pub)
	if hint := b.GetVerificationMaterial().GetPublicKey().GetHint(); hint != "" && hint != want {
		return fmt.Errorf("%s was signed by another key than %s (the bundle names key %s, %s is %s)", file, pubFile, hint, pubFile, want)
	}
	return fmt.Errorf("the signature in %s does not verify for %s with %s: %v", bundlePath, file, pubFile, verr)
}
