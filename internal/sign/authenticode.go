package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sigstore/sigstore/pkg/cryptoutils"

	"github.com/weldgo/weld/internal/atomicfile"
)

// Authenticode signs Windows executables with a code-signing certificate,
// through osslsigncode (the Debian package of that name), offline.
type Authenticode struct {
	// Cert is the certificate (PEM, optionally followed by its chain) and
	// Key its private key (PEM).
	Cert, Key string
	// Password decrypts Key, if it is encrypted.
	Password string
}

// AuthenticodePasswordVariable holds the password of an encrypted
// Authenticode key.
const AuthenticodePasswordVariable = "WELD_AUTHENTICODE_PASSWORD"

// OsslsigncodeInstall says how to get the signing tool.
const OsslsigncodeInstall = "install osslsigncode (apt-get install osslsigncode)"

// LoadAuthenticode checks that cert is a PEM certificate and key a PEM
// private key, and returns them for signing. Every error names the file
// and what to do.
func LoadAuthenticode(cert, key, password string) (*Authenticode, error) {
	certPEM, err := readPEMFile(cert, "certificate")
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("Authenticode certificate %s is not a PEM certificate (\"BEGIN CERTIFICATE\"); give the code-signing certificate, with its private key as the key", cert)
	}
	parsed, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("Authenticode certificate %s does not parse: %v", cert, err)
	}
	keyPEM, err := readPEMFile(key, "key")
	if err != nil {
		return nil, err
	}
	block, _ = pem.Decode(keyPEM)
	switch {
	case block == nil:
		return nil, fmt.Errorf("Authenticode key %s is not a PEM file; give the certificate's private key", key)
	case block.Type == "CERTIFICATE" || strings.Contains(block.Type, "PUBLIC KEY"):
		return nil, fmt.Errorf("Authenticode key %s holds a %s, not the private key; give the certificate's private key as the key", key, strings.ToLower(block.Type))
	case !strings.Contains(block.Type, "PRIVATE KEY"):
		return nil, fmt.Errorf("Authenticode key %s holds a %q PEM block, not a private key", key, block.Type)
	}
	encrypted := block.Type == "ENCRYPTED PRIVATE KEY" || x509.IsEncryptedPEMBlock(block) //nolint:staticcheck // legacy encrypted PEM is still what openssl writes by -des3
	if encrypted && password == "" {
		return nil, fmt.Errorf("Authenticode key %s is encrypted; put its password in %s", key, AuthenticodePasswordVariable)
	}
	priv, err := cryptoutils.UnmarshalPEMToPrivateKey(keyPEM, cryptoutils.StaticPasswordFunc([]byte(password)))
	switch {
	case err != nil && encrypted:
		return nil, fmt.Errorf("Authenticode key %s does not decrypt with the password in %s (%v); check the password", key, AuthenticodePasswordVariable, err)
	case err != nil:
		return nil, fmt.Errorf("Authenticode key %s does not parse: %v", key, err)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok || cryptoutils.EqualKeys(signer.Public(), parsed.PublicKey) != nil {
		return nil, fmt.Errorf("Authenticode key %s is not the private key of certificate %s; give the key the certificate was made for", key, cert)
	}
	return &Authenticode{Cert: cert, Key: key, Password: password}, nil
}

func readPEMFile(path, what string) ([]byte, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("Authenticode %s %s does not exist; give the code-signing certificate and its private key as PEM files", what, path)
	case err != nil:
		return nil, fmt.Errorf("reading Authenticode %s %s: %w", what, path, unwrapPath(err))
	}
	return data, nil
}

// SignExe Authenticode-signs the executable at path in place, with the
// signing time at (SOURCE_DATE_EPOCH), and no timestamp server: the same
// executable, certificate and RSA key give the same bytes. The signed
// file replaces the unsigned one whole.
func (a *Authenticode) SignExe(ctx context.Context, path string, at time.Time) error {
	tool, err := exec.LookPath("osslsigncode")
	if err != nil {
		return fmt.Errorf("Authenticode-signing %s needs osslsigncode; %s", path, OsslsigncodeInstall)
	}
	tmp, err := atomicfile.CreateTemp(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return fmt.Errorf("Authenticode-signing %s: %w", path, err)
	}
	out := tmp.Name()
	tmp.Close()
	// osslsigncode writes the output itself, and refuses an existing one.
	os.Remove(out)
	defer os.Remove(out)
	args := []string{"sign", "-certs", a.Cert, "-key", a.Key, "-h", "sha256",
		"-time", strconv.FormatInt(at.Unix(), 10), "-in", path, "-out", out}
	cmd := exec.CommandContext(ctx, tool, args...)
	if a.Password != "" {
		// On standard input, not the command line other users can read.
		cmd.Args = append(cmd.Args[:2], append([]string{"-readpass", "-"}, cmd.Args[2:]...)...)
		cmd.Stdin = strings.NewReader(a.Password)
	}
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("Authenticode-signing %s with %s: osslsigncode: %v: %s", path, a.Cert, err, osslsigncodeMessage(output.String()))
	}
	if err := os.Chmod(out, 0o755); err != nil {
		return fmt.Errorf("Authenticode-signing %s: %w", path, err)
	}
	if err := os.Rename(out, path); err != nil {
		return fmt.Errorf("Authenticode-signing %s: %w", path, err)
	}
	return nil
}

// opensslTrace is a line of OpenSSL's error queue, which osslsigncode
// prints after its own message.
var opensslTrace = regexp.MustCompile(`^[0-9A-F]+:error:`)

// osslsigncodeMessage keeps osslsigncode's own lines of its output,
// without OpenSSL's error queue and prompts.
func osslsigncodeMessage(out string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line == "Failed" || opensslTrace.MatchString(line) || strings.HasSuffix(line, "pass phrase:") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "; ")
}
