package pipeline

import (
	"crypto"
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/weldgo/weld/internal/artifact/oci"
	"github.com/weldgo/weld/internal/attest"
	"github.com/weldgo/weld/internal/image"
)

// attachments are what weld image attaches to the images it publishes, in
// the tag-based naming cosign uses: each platform image's SBOMs (its
// binary's, as sha256-HEX.sbom), and the provenance of what is published
// (the index, or the one image) as an in-toto attestation (.att) whose
// subjects are the published image and each platform image. With a
// signer, the attestation is signed, and the published image (and each
// platform image of an index) gets a cosign signature (.sig) that names
// it as repository.
func (s *Session) attachments(arts []Artifact, built []image.Built, art oci.Artifact, imageName string, signer crypto.Signer, repository string) ([]oci.Attachment, error) {
	var out []oci.Attachment
	in, err := s.provenanceInput(arts)
	if err != nil {
		return nil, err
	}
	for i, b := range built {
		d, err := v1.NewHash(b.Digest)
		if err != nil {
			return nil, err
		}
		in.Subjects = append(in.Subjects, attest.Subject{Name: imageName + "@" + b.Target.String(), SHA256: d.Hex})
		if signer != nil && art.Index != nil {
			sig, err := oci.SignatureImage(signer, repository, d)
			if err != nil {
				return nil, fmt.Errorf("signing the %s image: %w", b.Target, err)
			}
			out = append(out, oci.Attachment{Tag: oci.AttachmentTag(d, "sig"), Image: sig})
		}
		var docs []oci.Document
		for _, format := range s.opts.Spec.Outputs.SBOMFormats() {
			data, err := os.ReadFile(arts[i].Path + attest.FileSuffix(format))
			if err != nil {
				return nil, err
			}
			mt := oci.SPDXMediaType
			if format == attest.CycloneDX {
				mt = oci.CycloneDXMediaType
			}
			docs = append(docs, oci.Document{MediaType: mt, Data: data})
		}
		if len(docs) == 0 {
			continue
		}
		img, err := oci.AttachmentImage(docs)
		if err != nil {
			return nil, err
		}
		out = append(out, oci.Attachment{Tag: oci.AttachmentTag(d, "sbom"), Image: img})
	}
	top, err := art.Digest()
	if err != nil {
		return nil, err
	}
	if art.Index != nil {
		in.Subjects = append(in.Subjects, attest.Subject{Name: imageName, SHA256: top.Hex})
	}
	statement, err := attest.Provenance(in)
	if err != nil {
		return nil, err
	}
	img, err := oci.AttestationImage(statement, signer)
	if err != nil {
		return nil, err
	}
	if signer == nil {
		return append(out, oci.Attachment{Tag: oci.AttachmentTag(top, "att"), Image: img}), nil
	}
	sig, err := oci.SignatureImage(signer, repository, top)
	if err != nil {
		return nil, err
	}
	return append(out,
		oci.Attachment{Tag: oci.AttachmentTag(top, "att"), Image: img, LayoutKind: oci.LayoutKindAtts},
		oci.Attachment{Tag: oci.AttachmentTag(top, "sig"), Image: sig, LayoutKind: oci.LayoutKindSignatures}), nil
}
