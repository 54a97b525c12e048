package verify

import (
	"context"
	"crypto"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/weldgo/weld/internal/artifact/oci"
)

// imageSignatures checks the cosign signature (the sha256-HEX.sig
// attachment) of what src publishes, an OCI layout or a registry
// reference, against pub: what a layout's index.json tags (each digest
// once), or the index or image a reference names. It returns the
// differences; a docker tarball holds one image and no attachments.
func imageSignatures(src string, pub crypto.PublicKey, keyName string) ([]string, error) {
	if fi, err := os.Stat(src); err == nil {
		if !fi.IsDir() {
			return []string{fmt.Sprintf("a docker tarball carries no signature, so %s cannot be checked; verify the image in a layout or registry", keyName)}, nil
		}
		p, err := layout.FromPath(src)
		if err != nil {
			return nil, err
		}
		ii, err := p.ImageIndex()
		if err != nil {
			return nil, err
		}
		im, err := ii.IndexManifest()
		if err != nil {
			return nil, err
		}
		sigs := map[string]v1.Hash{} // signature tag → its manifest
		var published []v1.Hash
		seen := map[v1.Hash]bool{}
		for _, d := range im.Manifests {
			ref := d.Annotations[oci.RefName]
			if oci.IsAttachmentTag(ref) {
				sigs[ref] = d.Digest
				continue
			}
			if !seen[d.Digest] {
				seen[d.Digest] = true
				published = append(published, d.Digest)
			}
		}
		var diffs []string
		for _, d := range published {
			sd, ok := sigs[oci.AttachmentTag(d, "sig")]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s is not signed: the layout has no %s", d, oci.AttachmentTag(d, "sig")))
				continue
			}
			img, err := ii.Image(sd)
			if err != nil {
				return nil, err
			}
			if err := oci.VerifySignature(img, d, pub); err != nil {
				diffs = append(diffs, fmt.Sprintf("%s: its signature does not verify with %s: %v", d, keyName, err))
			}
		}
		return diffs, nil
	}
	var net oci.Network
	ref, err := name.ParseReference(src, net.NameOptions(src)...)
	if err != nil {
		return nil, err
	}
	opts := net.RemoteOptions(context.Background())
	desc, err := remote.Head(ref, opts...)
	if err != nil {
		return nil, err
	}
	sigRef := ref.Context().Tag(oci.AttachmentTag(desc.Digest, "sig"))
	img, err := remote.Image(sigRef, opts...)
	if err != nil {
		return []string{fmt.Sprintf("%s is not signed: %s: %v", desc.Digest, sigRef, err)}, nil
	}
	if err := oci.VerifySignature(img, desc.Digest, pub); err != nil {
		return []string{fmt.Sprintf("%s: its signature does not verify with %s: %v", desc.Digest, keyName, err)}, nil
	}
	return nil, nil
}
