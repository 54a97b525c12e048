package sysroot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"pault.ag/go/debian/control"
)

// release is the verified content of a suite's Release file.
type release struct {
	url    string             // where it came from, for messages
	byHash bool               // Acquire-By-Hash: index files are also at by-hash/SHA256/<sum>
	files  map[string]fileSum // path below dists/<suite>/ -> SHA256 entry
	fields map[string]string  // Suite, Codename, ...
}

type fileSum struct {
	size   int64
	sha256 string
}

// fetchRelease downloads dists/<suite>/InRelease and checks its signature,
// or Release + Release.gpg when the archive has no InRelease. Nothing
// downloaded later is trusted except through the hashes in this file.
func fetchRelease(ctx context.Context, f *fetcher, suite, keyringPath string) (*release, error) {
	keyring, err := readKeyring(keyringPath)
	if err != nil {
		return nil, err
	}
	base := "dists/" + suite + "/"
	var plain []byte
	url := f.url(base + "InRelease")
	data, err := f.small(ctx, base+"InRelease")
	switch {
	case err == nil:
		if plain, err = verifyClearsigned(data, keyring); err != nil {
			return nil, fmt.Errorf("%s: %w (keyring %s)", url, err, keyringPath)
		}
	case errors.Is(err, errNotFound):
		url = f.url(base + "Release")
		if plain, err = f.small(ctx, base+"Release"); err != nil {
			return nil, err
		}
		sig, err := f.small(ctx, base+"Release.gpg")
		if err != nil {
			return nil, fmt.Errorf("the archive has no InRelease and no Release.gpg to verify Release with: %w", err)
		}
		if err := verifyDetached(plain, sig, keyring); err != nil {
			return nil, fmt.Errorf("%s: %w (keyring %s)", f.url(base+"Release.gpg"), err, keyringPath)
		}
	default:
		return nil, err
	}
	rel, err := parseRelease(plain)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	rel.url = url
	// A correctly signed Release of another suite would be a downgrade
	// attack (or a typo); apt refuses it too.
	if rel.fields["Codename"] != suite && rel.fields["Suite"] != suite {
		return nil, fmt.Errorf("%s: is for suite %q (codename %q), not %q", url, rel.fields["Suite"], rel.fields["Codename"], suite)
	}
	return rel, nil
}

func readKeyring(path string) (openpgp.EntityList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the archive keyring: %w (install debian-archive-keyring, or set the keyring)", err)
	}
	var kr openpgp.EntityList
	if bytes.Contains(data[:min(len(data), 64)], []byte("-----BEGIN PGP")) {
		kr, err = openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	} else {
		kr, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("reading the archive keyring %s: %w", path, err)
	}
	return kr, nil
}

// verifyClearsigned checks an InRelease file and returns the signed text.
func verifyClearsigned(data []byte, keyring openpgp.EntityList) ([]byte, error) {
	block, _ := clearsign.Decode(data)
	if block == nil {
		return nil, errors.New("not a clearsigned OpenPGP message")
	}
	sigs, err := io.ReadAll(block.ArmoredSignature.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the signature: %w", err)
	}
	if err := verifyAny(block.Bytes, sigs, keyring); err != nil {
		return nil, err
	}
	return block.Plaintext, nil
}

func verifyDetached(signed, sig []byte, keyring openpgp.EntityList) error {
	if bytes.HasPrefix(bytes.TrimSpace(sig), []byte("-----BEGIN")) {
		block, err := armorDecode(sig)
		if err != nil {
			return err
		}
		sig = block
	}
	return verifyAny(signed, sig, keyring)
}

// verifyAny accepts the file if any one of its signatures is good.
// Debian signs with several keys (the automatic keys of this and the next
// release and the stable release key); a keyring may know only some of
// them, and one may have expired, so each signature is checked on its own
// rather than only the first one whose issuer is known.
func verifyAny(signed, sigs []byte, keyring openpgp.EntityList) error {
	rd := packet.NewReader(bytes.NewReader(sigs))
	var errs []string
	for {
		p, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("bad signature: %w", err)
		}
		sig, ok := p.(*packet.Signature)
		if !ok {
			continue
		}
		var one bytes.Buffer
		if err := sig.Serialize(&one); err != nil {
			continue
		}
		_, _, err = openpgp.VerifyDetachedSignature(keyring, bytes.NewReader(signed), &one, nil)
		if err == nil {
			return nil
		}
		id := "unknown key"
		if sig.IssuerKeyId != nil {
			id = fmt.Sprintf("key %016X", *sig.IssuerKeyId)
		}
		errs = append(errs, fmt.Sprintf("%s: %v", id, err))
	}
	if len(errs) == 0 {
		return errors.New("bad signature: the file carries no signature")
	}
	return fmt.Errorf("bad signature: no signature verifies against the keyring (%s)", strings.Join(errs, "; "))
}

func armorDecode(data []byte) ([]byte, error) {
	block, err := armor.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("bad signature: %w", err)
	}
	return io.ReadAll(block.Body)
}

// parseRelease reads the fields weld needs from a Release file.
func parseRelease(text []byte) (*release, error) {
	pr, err := control.NewParagraphReader(bytes.NewReader(text), nil)
	if err != nil {
		return nil, err
	}
	para, err := pr.Next()
	if err != nil {
		return nil, fmt.Errorf("empty Release file: %w", err)
	}
	rel := &release{files: map[string]fileSum{}, fields: para.Values}
	rel.byHash = strings.EqualFold(para.Values["Acquire-By-Hash"], "yes")
	for _, line := range strings.Split(para.Values["SHA256"], "\n") {
		fs := strings.Fields(line)
		if len(fs) != 3 {
			continue
		}
		// The sum names a cache file and a by-hash URL: it must be a sum.
		size, err := strconv.ParseInt(fs[1], 10, 64)
		if err != nil || size < 0 || !validSHA256(fs[0]) {
			return nil, fmt.Errorf("bad SHA256 line %q: want \"<64 hex digits> <size> <path>\"", line)
		}
		rel.files[fs[2]] = fileSum{size: size, sha256: strings.ToLower(fs[0])}
	}
	if len(rel.files) == 0 {
		return nil, errors.New("Release lists no SHA256 sums")
	}
	return rel, nil
}
