package oci

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// What cosign's tag-based signatures are made of: an image tagged
// sha256-HEX.sig whose layers are simple-signing payloads naming the
// signed digest, each with its base64 signature in an annotation.
const (
	SimpleSigningMediaType types.MediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
	SignatureAnnotation                    = "dev.cosignproject.cosign/signature"
	// CosignSignatureType is critical.type of a simple-signing payload.
	CosignSignatureType = "cosign container image signature"
)

// Layout kinds: the "kind" annotation of the entries of an OCI layout
// that cosign save writes, by which cosign verify --local-image finds
// the signed image (or index) and its signatures and attestations.
const (
	LayoutKindAnnotation = "kind"
	LayoutKindImage      = "dev.cosignproject.cosign/image"
	LayoutKindIndex      = "dev.cosignproject.cosign/imageIndex"
	LayoutKindSignatures = "dev.cosignproject.cosign/sigs"
	LayoutKindAtts       = "dev.cosignproject.cosign/atts"
)

// simpleSigning is the payload cosign signs for an image: Red Hat's
// simple signing format, which names the image by its manifest digest.
type simpleSigning struct {
	Critical struct {
		Identity struct {
			DockerReference string `json:"docker-reference"`
		} `json:"identity"`
		Image struct {
			DockerManifestDigest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
	Optional map[string]string `json:"optional"`
}

// SignatureImage is the signature attachment (tag sha256-HEX.sig) of the
// image or index with digest d, published as repository: one layer, the
// simple-signing payload, signed with signer the way cosign verify --key
// checks it.
func SignatureImage(signer crypto.Signer, repository string, d v1.Hash) (v1.Image, error) {
	var p simpleSigning
	p.Critical.Identity.DockerReference = repository
	p.Critical.Image.DockerManifestDigest = d.String()
	p.Critical.Type = CosignSignatureType
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	sig, err := Sign(signer, payload)
	if err != nil {
		return nil, fmt.Errorf("signing %s: %w", d, err)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	return mutate.Append(img, mutate.Addendum{
		Layer:       static.NewLayer(payload, SimpleSigningMediaType),
		Annotations: map[string]string{SignatureAnnotation: base64.StdEncoding.EncodeToString(sig)},
	})
}

// Sign signs message with signer as cosign's key-based verifiers expect
// for the key's type: ECDSA (ASN.1) and RSA (PKCS #1 v1.5) over its
// SHA-256, Ed25519 over the message itself.
func Sign(signer crypto.Signer, message []byte) ([]byte, error) {
	if _, ok := signer.Public().(ed25519.PublicKey); ok {
		return signer.Sign(rand.Reader, message, crypto.Hash(0))
	}
	sum := sha256.Sum256(message)
	return signer.Sign(rand.Reader, sum[:], crypto.SHA256)
}

// pae is DSSE's pre-authentication encoding of a payload: what a DSSE
// signature is over, so that the type is signed along with the bytes.
func pae(payloadType string, payload []byte) []byte {
	out := []byte("DSSEv1 " + strconv.Itoa(len(payloadType)) + " " + payloadType + " " + strconv.Itoa(len(payload)) + " ")
	return append(out, payload...)
}
