package oci

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// VerifySignature checks that sigImg, a signature attachment, holds a
// simple-signing payload that names digest d, signed with the private key
// of pub, as cosign verify --key checks it.
func VerifySignature(sigImg v1.Image, d v1.Hash, pub crypto.PublicKey) error {
	m, err := sigImg.Manifest()
	if err != nil {
		return err
	}
	layers, err := sigImg.Layers()
	if err != nil {
		return err
	}
	var problems []error
	for i, desc := range m.Layers {
		enc, ok := desc.Annotations[SignatureAnnotation]
		if !ok || i >= len(layers) {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			problems = append(problems, fmt.Errorf("signature %d: not base64", i+1))
			continue
		}
		rc, err := layers[i].Compressed()
		if err != nil {
			return err
		}
		payload, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return err
		}
		if err := verifyMessage(pub, payload, sig); err != nil {
			problems = append(problems, fmt.Errorf("signature %d: %w", i+1, err))
			continue
		}
		var p simpleSigning
		if err := json.Unmarshal(payload, &p); err != nil || p.Critical.Type != CosignSignatureType {
			problems = append(problems, fmt.Errorf("signature %d: the signed payload is not a cosign image signature", i+1))
			continue
		}
		if p.Critical.Image.DockerManifestDigest != d.String() {
			problems = append(problems, fmt.Errorf("signature %d signs %s, not %s", i+1, p.Critical.Image.DockerManifestDigest, d))
			continue
		}
		return nil
	}
	if len(problems) == 0 {
		return errors.New("the attachment holds no signature")
	}
	return errors.Join(problems...)
}

// verifyMessage checks a signature made by Sign.
func verifyMessage(pub crypto.PublicKey, message, sig []byte) error {
	sum := sha256.Sum256(message)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if ecdsa.VerifyASN1(k, sum[:], sig) {
			return nil
		}
	case *rsa.PublicKey:
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil {
			return nil
		}
	case ed25519.PublicKey:
		if ed25519.Verify(k, message, sig) {
			return nil
		}
	default:
		return fmt.Errorf("unsupported public key type %T", pub)
	}
	return errors.New("invalid signature: not made with this key")
}
