package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/weldgo/weld/internal/sign"
	"github.com/weldgo/weld/internal/spec"
)

func newKeygenCmd() *cobra.Command {
	var prefix string
	cmd := &cobra.Command{
		Use:   "keygen [--output-key-prefix weld]",
		Short: "Make a key pair that signs what weld builds",
		Long: `keygen makes an ECDSA P-256 key pair: PREFIX.key, the private key
(unencrypted PKCS#8 PEM, readable by you alone), and PREFIX.pub, the public
key (PKIX PEM), which cosign verify-blob --key and weld verify --key read.
It never replaces an existing file.

Give the private key to weld build or weld image with --sign-key FILE,
$WELD_SIGN_KEY, or the manifest's sign: {key: FILE}, in that order of
precedence. A key from cosign generate-key-pair works too; its password is
read from $COSIGN_PASSWORD or $WELD_SIGN_PASSWORD.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := sign.Generate()
			if err != nil {
				return err
			}
			private, public, err := sign.WriteKeyPair(k, prefix)
			if err != nil {
				return fmt.Errorf("keygen: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), private)
			fmt.Fprintln(cmd.OutOrStdout(), public)
			return nil
		},
	}
	cmd.Flags().StringVar(&prefix, "output-key-prefix", "weld", "write PREFIX.key and PREFIX.pub")
	return cmd
}

// signKeyEnv names the signing key when --sign-key does not.
const signKeyEnv = "WELD_SIGN_KEY"

// registerSignKey adds --sign-key to a command that builds.
func registerSignKey(fs *pflag.FlagSet, file *string) {
	fs.StringVar(file, "sign-key", "", "private key that signs every file the build writes, with a Sigstore bundle beside it (default: $"+signKeyEnv+", else the manifest's sign.key; weld keygen makes one)")
}

// loadSignKey reads the signing key named by the flag, else the
// environment, else the manifest (s may be nil); nil when none is named.
// An error says which of them named the file.
func loadSignKey(flag string, s *spec.Spec) (*sign.Key, error) {
	var file, from string
	switch {
	case flag != "":
		file, from = flag, "--sign-key"
	case os.Getenv(signKeyEnv) != "":
		file, from = os.Getenv(signKeyEnv), "$"+signKeyEnv
	case s != nil && s.Sign.Key != "":
		file, from = s.Sign.Key, s.Sign.KeyPos.String()+": sign.key"
	default:
		return nil, nil
	}
	k, err := sign.Load(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	return k, nil
}

// Environment variables that name the Authenticode certificate and key
// when the flags do not, and the key's password.
const (
	authenticodeCertEnv     = "WELD_AUTHENTICODE_CERT"
	authenticodeKeyEnv      = "WELD_AUTHENTICODE_KEY"
	authenticodePasswordEnv = sign.AuthenticodePasswordVariable
)

// authenticodeFlags are weld build's --authenticode-cert and
// --authenticode-key.
type authenticodeFlags struct{ cert, key string }

func (f *authenticodeFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.cert, "authenticode-cert", "", "code-signing certificate (PEM) that Authenticode-signs Windows executables, with osslsigncode (default: $"+authenticodeCertEnv+", else the manifest's sign.authenticode.cert)")
	fs.StringVar(&f.key, "authenticode-key", "", "the certificate's private key (PEM; its password in $"+authenticodePasswordEnv+") (default: $"+authenticodeKeyEnv+", else the manifest's sign.authenticode.key)")
}

// load returns the Authenticode certificate and key named by the flags,
// else the environment, else the manifest (s may be nil); nil when none
// names them. A certificate and its key come from the same place.
func (f *authenticodeFlags) load(s *spec.Spec) (*sign.Authenticode, error) {
	var cert, key, from string
	switch {
	case f.cert != "" || f.key != "":
		cert, key, from = f.cert, f.key, "--authenticode-cert and --authenticode-key"
	case os.Getenv(authenticodeCertEnv) != "" || os.Getenv(authenticodeKeyEnv) != "":
		cert, key, from = os.Getenv(authenticodeCertEnv), os.Getenv(authenticodeKeyEnv), "$"+authenticodeCertEnv+" and $"+authenticodeKeyEnv
	case s != nil && s.Sign.Authenticode != nil:
		a := s.Sign.Authenticode
		ac, err := sign.LoadAuthenticode(a.Cert, a.Key, os.Getenv(authenticodePasswordEnv))
		if err != nil {
			return nil, fmt.Errorf("%s: sign.authenticode: %w", a.Pos, err)
		}
		return ac, nil
	default:
		return nil, nil
	}
	if cert == "" || key == "" {
		return nil, fmt.Errorf("%s: give both, the code-signing certificate and its private key", from)
	}
	ac, err := sign.LoadAuthenticode(cert, key, os.Getenv(authenticodePasswordEnv))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	return ac, nil
}
