package verify

import (
	"crypto"
	"fmt"

	"github.com/weldgo/weld/internal/artifact/oci"
)

// signatures checks the cosign signature (the sha256-HEX.sig attachment)
// of each digest the source publishes against pub, and returns the
// differences; a docker tarball holds one image and no attachments.
func (is *imageSource) signatures(pub crypto.PublicKey, keyName string) ([]string, error) {
	if is.attachment == nil {
		return []string{fmt.Sprintf("a docker tarball carries no signature, so %s cannot be checked; verify the image in a layout or registry", keyName)}, nil
	}
	var diffs []string
	for _, d := range is.published {
		tag := oci.AttachmentTag(d, "sig")
		img, err := is.attachment(tag)
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("%s is not signed: %v", d, err))
			continue
		}
		if err := oci.VerifySignature(img, d, pub); err != nil {
			diffs = append(diffs, fmt.Sprintf("%s: its signature does not verify with %s: %v", d, keyName, err))
		}
	}
	return diffs, nil
}
