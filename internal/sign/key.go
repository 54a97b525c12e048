// Package sign holds weld's signing keys and the Sigstore bundles made
// with them: a key pair that weld keygen writes (or one cosign
// generate-key-pair wrote), loaded from a file, and key-based, offline
// signatures that cosign verify-blob checks.
package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

// Key is a private signing key and its public half.
type Key struct {
	Signer crypto.Signer
	Public crypto.PublicKey
	// File is where the key was read from ("" for a generated one), for
	// messages.
	File string
}

// Generate makes a new ECDSA P-256 key, the kind cosign makes too.
func Generate() (*Key, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating a signing key: %w", err)
	}
	return &Key{Signer: priv, Public: priv.Public()}, nil
}

// PasswordVariables are the environment variables that hold the password
// of an encrypted key, in the order they are read: cosign's own, so that a
// key from cosign generate-key-pair works as it does with cosign, then
// weld's.
var PasswordVariables = []string{"COSIGN_PASSWORD", "WELD_SIGN_PASSWORD"}

// Pem block types of keys weld recognises, to say what a wrong file is.
const (
	privateKeyPEM       = "PRIVATE KEY"
	publicKeyPEM        = "PUBLIC KEY"
	encryptedSigstore   = "ENCRYPTED SIGSTORE PRIVATE KEY"
	encryptedCosign     = "ENCRYPTED COSIGN PRIVATE KEY"
	certificatePEM      = "CERTIFICATE"
	howToMake           = "make a key pair with weld keygen (or cosign generate-key-pair)"
	supportedPrivateKey = `a PKCS#8 "PRIVATE KEY" PEM file, or an encrypted key from cosign generate-key-pair`
)

// Load reads a private key file: PKCS#8 PEM ("PRIVATE KEY", as weld
// keygen writes), or cosign's encrypted key, whose password is read from
// COSIGN_PASSWORD or WELD_SIGN_PASSWORD. Every error names the file and
// says what to do.
func Load(path string) (*Key, error) {
	return load(path, os.Getenv)
}

func load(path string, getenv func(string) string) (*Key, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("signing key %s does not exist; %s, or give the path of your private key", path, howToMake)
	case err != nil:
		return nil, fmt.Errorf("reading signing key %s: %w; it must be a file readable by the user who runs weld", path, unwrapPath(err))
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("signing key %s is not a PEM file; it must be %s; %s", path, supportedPrivateKey, howToMake)
	}
	var priv crypto.PrivateKey
	switch block.Type {
	case publicKeyPEM, "RSA PUBLIC KEY", certificatePEM:
		return nil, fmt.Errorf("signing key %s is a public key (%s); signing needs the private key, the .key file beside the .pub that weld keygen wrote", path, strings.ToLower(block.Type))
	case privateKeyPEM:
		if priv, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
			return nil, fmt.Errorf("signing key %s: its PKCS#8 private key does not parse (%v); %s", path, err, howToMake)
		}
	case encryptedSigstore, encryptedCosign:
		password, from := "", ""
		for _, v := range PasswordVariables {
			if password = getenv(v); password != "" {
				from = v
				break
			}
		}
		if from == "" {
			return nil, fmt.Errorf("signing key %s is encrypted; put its password in %s", path, strings.Join(PasswordVariables, " or "))
		}
		pf := func(bool) ([]byte, error) { return []byte(password), nil }
		if priv, err = cryptoutils.UnmarshalPEMToPrivateKey(data, pf); err != nil {
			return nil, fmt.Errorf("signing key %s does not decrypt with the password in %s (%v); check the password", path, from, err)
		}
	default:
		return nil, fmt.Errorf("signing key %s holds a %q PEM block, not a private key weld reads; it must be %s; %s", path, block.Type, supportedPrivateKey, howToMake)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("signing key %s: a %T cannot sign; %s", path, priv, howToMake)
	}
	// The keys cosign makes and verifies with its default algorithms.
	switch signer.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
	default:
		return nil, fmt.Errorf("signing key %s: a %T is not an ECDSA or RSA key; %s", path, priv, howToMake)
	}
	return &Key{Signer: signer, Public: signer.Public(), File: path}, nil
}

// unwrapPath drops the path from an *fs.PathError, which the caller names
// already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// PublicPEM is the public key as a PKIX "PUBLIC KEY" PEM block, the form
// cosign verify-blob --key reads.
func (k *Key) PublicPEM() ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(k.Public)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: publicKeyPEM, Bytes: der}), nil
}

// PrivatePEM is the private key as an unencrypted PKCS#8 "PRIVATE KEY"
// PEM block.
func (k *Key) PrivatePEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Signer)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: privateKeyPEM, Bytes: der}), nil
}

// LoadPublic reads a public key file ("PUBLIC KEY" PEM), for verifying.
func LoadPublic(path string) (crypto.PublicKey, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("public key %s does not exist; give the .pub file that weld keygen wrote beside the signing key", path)
	case err != nil:
		return nil, fmt.Errorf("reading public key %s: %w", path, unwrapPath(err))
	}
	block, _ := pem.Decode(data)
	switch {
	case block == nil:
		return nil, fmt.Errorf("public key %s is not a PEM file; give the .pub file that weld keygen wrote", path)
	case block.Type != publicKeyPEM:
		if strings.Contains(block.Type, "PRIVATE KEY") {
			return nil, fmt.Errorf("%s is a private key; verifying takes the public key, the .pub file beside it (keep the private key to yourself)", path)
		}
		return nil, fmt.Errorf("public key %s holds a %q PEM block, not a \"PUBLIC KEY\"; give the .pub file that weld keygen wrote", path, block.Type)
	}
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("public key %s does not parse: %v", path, err)
	}
	return pub, nil
}
