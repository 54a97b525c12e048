package sign

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/weldgo/weld/internal/atomicfile"
)

// KeyPairFiles are the files WriteKeyPair writes for prefix: PREFIX.key,
// the private key, and PREFIX.pub, the public key.
func KeyPairFiles(prefix string) (private, public string) {
	return prefix + ".key", prefix + ".pub"
}

// WriteKeyPair writes k as PREFIX.key (unencrypted PKCS#8, mode 0600) and
// PREFIX.pub. It never replaces a file: if either exists, nothing is
// written. Each file appears whole or not at all, and the private key is
// removed again if the public key cannot be written.
func WriteKeyPair(k *Key, prefix string) (private, public string, err error) {
	private, public = KeyPairFiles(prefix)
	for _, f := range []string{private, public} {
		if _, err := os.Lstat(f); err == nil {
			return "", "", fmt.Errorf("%s already exists; weld keygen does not replace keys: remove it, or choose another prefix with --output-key-prefix", f)
		}
	}
	privPEM, err := k.PrivatePEM()
	if err != nil {
		return "", "", fmt.Errorf("encoding the private key: %w", err)
	}
	pubPEM, err := k.PublicPEM()
	if err != nil {
		return "", "", fmt.Errorf("encoding the public key: %w", err)
	}
	if err := createOnce(private, privPEM, 0o600); err != nil {
		return "", "", err
	}
	if err := createOnce(public, pubPEM, 0o644); err != nil {
		os.Remove(private)
		return "", "", err
	}
	return private, public, nil
}

// createOnce writes data to a temporary file beside name and links it to
// name, which fails if name exists: no window in which name is partly
// written, and no replacing a file that appeared meanwhile.
func createOnce(name string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	f, err := atomicfile.CreateTemp(dir, filepath.Base(name))
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	// The mode is set before any key byte is written.
	err = f.Chmod(mode)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, name)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; weld keygen does not replace keys: remove it, or choose another prefix with --output-key-prefix", name)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
