package oci

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Media types of what weld attaches to an image.
const (
	SPDXMediaType      types.MediaType = "text/spdx+json"
	CycloneDXMediaType types.MediaType = "application/vnd.cyclonedx+json"
	DSSEMediaType      types.MediaType = "application/vnd.dsse.envelope.v1+json"
	// InTotoPayloadType is a DSSE envelope's payload type for an in-toto
	// statement.
	InTotoPayloadType = "application/vnd.in-toto+json"
)

// Attachment is a document attached to an image (or index) in the
// tag-based naming cosign uses, which works with registries that have no
// referrers API: an image tagged sha256-HEX.SUFFIX beside the image of
// digest sha256:HEX, whose layers are the documents.
type Attachment struct {
	Tag   string
	Image v1.Image
	// LayoutKind, when set, marks the attachment in an OCI layout the way
	// cosign save does (LayoutKindSignatures, LayoutKindAtts), for the
	// signatures and attestations of the published image or index, so
	// that cosign verify --local-image finds them.
	LayoutKind string
}

// AttachmentTag is the tag of what is attached to the image or index with
// digest d: "sbom" for SBOMs, "att" for attestations, "sig" for
// signatures.
func AttachmentTag(d v1.Hash, suffix string) string {
	return d.Algorithm + "-" + d.Hex + "." + suffix
}

// Document is one layer of an attachment.
type Document struct {
	MediaType types.MediaType
	Data      []byte
	// Annotations are the layer's, in the image's manifest.
	Annotations map[string]string
}

// AttachmentImage is an OCI image whose layers are docs, in order, with
// an empty config: the same bytes from the same documents.
func AttachmentImage(docs []Document) (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	for _, d := range docs {
		var err error
		if img, err = mutate.Append(img, mutate.Addendum{Layer: static.NewLayer(d.Data, d.MediaType), Annotations: d.Annotations}); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// DSSE wraps an in-toto statement in a DSSE envelope, the layer format of
// an attestation attachment, signed with signer (over the envelope's
// pre-authentication encoding, as cosign verify-attestation checks it),
// or unsigned when signer is nil.
func DSSE(statement []byte, signer crypto.Signer) ([]byte, error) {
	sigs := []dsseSignature{}
	if signer != nil {
		sig, err := Sign(signer, pae(InTotoPayloadType, statement))
		if err != nil {
			return nil, fmt.Errorf("signing the attestation: %w", err)
		}
		sigs = append(sigs, dsseSignature{Sig: base64.StdEncoding.EncodeToString(sig)})
	}
	return json.Marshal(map[string]any{
		"payloadType": InTotoPayloadType,
		"payload":     base64.StdEncoding.EncodeToString(statement),
		"signatures":  sigs,
	})
}

// AttestationImage is the attestation attachment (tag sha256-HEX.att) of
// an in-toto statement: its DSSE envelope, signed with signer (or
// unsigned when signer is nil). A signed envelope's layer is annotated as
// cosign annotates it: cosign verify-attestation reads a layer without a
// (here empty: the signature is in the envelope) signature annotation as
// no attestation at all.
func AttestationImage(statement []byte, signer crypto.Signer) (v1.Image, error) {
	envelope, err := DSSE(statement, signer)
	if err != nil {
		return nil, err
	}
	doc := Document{MediaType: DSSEMediaType, Data: envelope}
	if signer != nil {
		var st struct {
			PredicateType string `json:"predicateType"`
		}
		if err := json.Unmarshal(statement, &st); err != nil {
			return nil, fmt.Errorf("reading the attestation's predicate type: %w", err)
		}
		doc.Annotations = map[string]string{SignatureAnnotation: "", "predicateType": st.PredicateType}
	}
	return AttachmentImage([]Document{doc})
}

// dsseSignature is one signature of a DSSE envelope; weld's keys have no
// key id (cosign's key-based verification needs none).
type dsseSignature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// IsAttachmentTag says a tag names an attachment rather than an image.
func IsAttachmentTag(tag string) bool {
	if !strings.HasPrefix(tag, "sha256-") {
		return false
	}
	for _, suffix := range []string{".sbom", ".att", ".sig"} {
		if strings.HasSuffix(tag, suffix) {
			return true
		}
	}
	return false
}
