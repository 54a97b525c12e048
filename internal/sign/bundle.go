package sign

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"

	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	sgsign "github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/weldgo/weld/internal/atomicfile"
)

// BundleSuffix ends the name of the Sigstore bundle written beside a file.
const BundleSuffix = ".sigstore.json"

// BundlePath is where the bundle of file goes: FILE.sigstore.json.
func BundlePath(file string) string { return file + BundleSuffix }

// SignFile signs file and writes its Sigstore bundle (v0.3: a message
// signature over the file's SHA-256, and the key's hint) beside it, as
// cosign sign-blob --new-bundle-format does with a key. Nothing goes to
// Fulcio, Rekor or a timestamp authority: the bundle is made offline, and
// verifies with the public key alone.
func (k *Key) SignFile(ctx context.Context, file string) (string, error) {
	kp, err := k.keypair()
	if err != nil {
		return "", fmt.Errorf("signing %s: %w", file, err)
	}
	// The message signature covers the whole file: sigstore-go hashes
	// what it is given.
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("signing %s: %w", file, err)
	}
	pb, err := sgsign.Bundle(&sgsign.PlainData{Data: data}, kp, sgsign.BundleOptions{Context: ctx})
	if err != nil {
		return "", fmt.Errorf("signing %s: %w", file, err)
	}
	b := &sgbundle.Bundle{Bundle: pb}
	out, err := b.MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("signing %s: %w", file, err)
	}
	path := BundlePath(file)
	if err := atomicfile.WriteFile(path, out, 0o644); err != nil {
		return "", fmt.Errorf("signing %s: %w", file, err)
	}
	return path, nil
}

// keypair is a Key as sigstore-go's sign.Keypair.
type keypair struct {
	key  *Key
	alg  signature.AlgorithmDetails
	hint []byte
}

func (k *Key) keypair() (*keypair, error) {
	alg, err := signature.GetDefaultAlgorithmDetails(k.Public)
	if err != nil {
		return nil, err
	}
	hint, err := Hint(k.Public)
	if err != nil {
		return nil, err
	}
	return &keypair{key: k, alg: alg, hint: []byte(hint)}, nil
}

// Hint names a public key in a bundle: the base64 SHA-256 of its PKIX
// encoding, the hint cosign and sigstore-go write.
func Hint(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

func (p *keypair) GetHashAlgorithm() protocommon.HashAlgorithm { return p.alg.GetProtoHashType() }

func (p *keypair) GetSigningAlgorithm() protocommon.PublicKeyDetails {
	return p.alg.GetSignatureAlgorithm()
}

func (p *keypair) GetHint() []byte { return p.hint }

func (p *keypair) GetKeyAlgorithm() string {
	switch p.alg.GetKeyType() {
	case signature.ECDSA:
		return "ECDSA"
	case signature.RSA:
		return "RSA"
	}
	return ""
}

func (p *keypair) GetPublicKey() crypto.PublicKey { return p.key.Public }

func (p *keypair) GetPublicKeyPem() (string, error) {
	pemBytes, err := p.key.PublicPEM()
	return string(pemBytes), err
}

// SignData signs the digest of data, and returns the signature and the
// digest, which the bundle records.
func (p *keypair) SignData(_ context.Context, data []byte) ([]byte, []byte, error) {
	h := p.alg.GetHashType()
	hasher := h.New()
	hasher.Write(data)
	digest := hasher.Sum(nil)
	sig, err := p.key.Signer.Sign(rand.Reader, digest, h)
	if err != nil {
		return nil, nil, err
	}
	return sig, digest, nil
}
