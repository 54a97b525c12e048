package cli

import (
	"crypto"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/weldgo/weld/internal/sign"
)

// signatureCheck is weld verify's --key and --bundle: each artifact's
// Sigstore bundle is checked with the public key before anything else.
type signatureCheck struct {
	keyFile, bundle string
	pub             crypto.PublicKey
	// failed counts the artifacts whose signature did not verify.
	failed int
}

func (c *signatureCheck) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.keyFile, "key", "", "public key (weld keygen's .pub) that must have signed each artifact: its FILE.sigstore.json is checked first")
	fs.StringVar(&c.bundle, "bundle", "", "the Sigstore bundle of the artifact (with --key, one artifact; default: ARTIFACT.sigstore.json)")
}

// load reads the public key, if one is given.
func (c *signatureCheck) load(artifacts int) error {
	switch {
	case c.keyFile == "" && c.bundle != "":
		return errors.New("--bundle needs --key, the public key to check it with")
	case c.bundle != "" && artifacts > 1:
		return errors.New("--bundle names the bundle of one artifact; verify the others without it (each has ARTIFACT.sigstore.json beside it)")
	case c.keyFile == "":
		return nil
	}
	var err error
	c.pub, err = sign.LoadPublic(c.keyFile)
	return err
}

// check verifies artifact's signature; checked is what to report as done.
func (c *signatureCheck) check(artifact string) (checked []string, err error) {
	if c.pub == nil {
		return nil, nil
	}
	if err := sign.VerifyFile(artifact, c.bundle, c.pub, c.keyFile); err != nil {
		c.failed++
		return nil, err
	}
	return []string{"signed by " + c.keyFile}, nil
}

// failure is weld verify's error when some signature did not verify;
// others is the number of artifacts that differ in other ways.
func (c *signatureCheck) failure(others int) error {
	msg := plural(c.failed, "artifact is", "artifacts are") + " not signed by " + c.keyFile
	if others > 0 {
		msg += fmt.Sprintf(", and %s from weld.lock or the provenance", plural(others, "differs", "differ"))
	}
	return errors.New(msg)
}
