package sign

import (
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	private, public, err := WriteKeyPair(k, filepath.Join(dir, "weld"))
	if err != nil {
		t.Fatal(err)
	}
	// A key as cosign generate-key-pair writes it: encrypted with the
	// password "secret".
	cosignPriv, _, err := cryptoutils.GeneratePEMEncodedECDSAKeyPair(elliptic.P256(), cryptoutils.StaticPasswordFunc([]byte("secret")))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cosignKey := write("cosign.key", string(cosignPriv))
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	edDER, err := x509.MarshalPKCS8PrivateKey(edPriv)
	if err != nil {
		t.Fatal(err)
	}
	edKey := write("ed25519.key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edDER})))
	unreadable := write("unreadable.key", "x")
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		env        map[string]string
		wantErr    string // "" means the key loads
	}{
		{"weld keygen key", private, nil, ""},
		{"cosign key, COSIGN_PASSWORD", cosignKey, map[string]string{"COSIGN_PASSWORD": "secret"}, ""},
		{"cosign key, WELD_SIGN_PASSWORD", cosignKey, map[string]string{"WELD_SIGN_PASSWORD": "secret"}, ""},
		{"cosign key, no password", cosignKey, nil, "signing key " + cosignKey + " is encrypted; put its password in COSIGN_PASSWORD or WELD_SIGN_PASSWORD"},
		{"cosign key, wrong password", cosignKey, map[string]string{"COSIGN_PASSWORD": "wrong"}, "does not decrypt with the password in COSIGN_PASSWORD"},
		{"missing", filepath.Join(dir, "none.key"), nil, "signing key " + filepath.Join(dir, "none.key") + " does not exist; make a key pair with weld keygen"},
		{"public key", public, nil, "signing key " + public + " is a public key (public key); signing needs the private key"},
		{"not PEM", write("text.key", "hello\n"), nil, "is not a PEM file; it must be a PKCS#8"},
		{"certificate", write("cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), nil, "is a public key (certificate)"},
		{"other PEM", write("params.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"), nil, `holds a "EC PARAMETERS" PEM block, not a private key`},
		{"Ed25519", edKey, nil, "signing key " + edKey + ": a ed25519.PrivateKey is not an ECDSA or RSA key"},
		{"bad PKCS#8", write("bad.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), nil, "its PKCS#8 private key does not parse"},
	}
	if os.Geteuid() != 0 { // root reads any file
		tests = append(tests, struct {
			name, file string
			env        map[string]string
			wantErr    string
		}{"unreadable", unreadable, nil, "reading signing key " + unreadable + ": permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := load(tt.file, func(k string) string { return tt.env[k] })
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got.Signer == nil || got.Public == nil || got.File != tt.file {
					t.Fatalf("loaded %+v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestWriteKeyPair(t *testing.T) {
	dir := t.TempDir()
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(dir, "sub", "weld")
	private, public, err := WriteKeyPair(k, prefix)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(private)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", private, fi.Mode().Perm())
	}
	loaded, err := Load(private)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := LoadPublic(public)
	if err != nil {
		t.Fatal(err)
	}
	if err := cryptoutils.EqualKeys(pub, loaded.Public); err != nil {
		t.Fatalf("the .pub is not the .key's public key: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(prefix))
	if len(entries) != 2 {
		t.Errorf("left %d files, want the two keys: %v", len(entries), entries)
	}

	// Neither file is replaced, and nothing is written when one exists.
	before, _ := os.ReadFile(private)
	k2, _ := Generate()
	if _, _, err := WriteKeyPair(k2, prefix); err == nil || !strings.Contains(err.Error(), private+" already exists") {
		t.Fatalf("second write: %v", err)
	}
	if after, _ := os.ReadFile(private); string(after) != string(before) {
		t.Fatal("the private key was replaced")
	}
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(other+".pub", []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := WriteKeyPair(k2, other); err == nil || !strings.Contains(err.Error(), other+".pub already exists") {
		t.Fatalf("write over a .pub: %v", err)
	}
	if _, err := os.Stat(other + ".key"); !os.IsNotExist(err) {
		t.Fatalf("a .key was written beside an existing .pub: %v", err)
	}
}

func TestLoadPublic(t *testing.T) {
	dir := t.TempDir()
	k, _ := Generate()
	private, _, err := WriteKeyPair(k, filepath.Join(dir, "weld"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, wantErr string }{
		{private, "is a private key; verifying takes the public key"},
		{filepath.Join(dir, "none.pub"), "does not exist"},
	} {
		if _, err := LoadPublic(tt.file); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("LoadPublic(%s): %v, want %q", tt.file, err, tt.wantErr)
		}
	}
}
