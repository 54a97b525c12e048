package oci

import (
	"encoding/base64"
	"encoding/json"
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
}

// AttachmentTag is the tag of what is attached to the image or index with
// digest d: "sbom" for SBOMs, "att" for attestations.
func AttachmentTag(d v1.Hash, suffix string) string {
	return d.Algorithm + "-" + d.Hex + "." + suffix
}

// Document is one layer of an attachment.
type Document struct {
	MediaType types.MediaType
	Data      []byte
}

// AttachmentImage is an OCI image whose layers are docs, in order, with
// an empty config: the same bytes from the same documents.
func AttachmentImage(docs []Document) (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	for _, d := range docs {
		var err error
		if img, err = mutate.AppendLayers(img, static.NewLayer(d.Data, d.MediaType)); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// DSSE wraps an in-toto statement in an unsigned DSSE envelope, the layer
// format of an attestation attachment. Signatures are added when weld
// signs (not yet).
func DSSE(statement []byte) ([]byte, error) {
	return json.Marshal(map[string]any{
		"payloadType": InTotoPayloadType,
		"payload":     base64.StdEncoding.EncodeToString(statement),
		"signatures":  []any{},
	})
}

// IsAttachmentTag says a tag names an attachment rather than an image.
func IsAttachmentTag(tag string) bool {
	return strings.HasPrefix(tag, "sha256-") && (strings.HasSuffix(tag, ".sbom") || strings.HasSuffix(tag, ".att"))
}
