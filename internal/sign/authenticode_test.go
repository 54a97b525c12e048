package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadAuthenticode(t *testing.T) {
	dir := t.TempDir()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "weld test"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<32, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, priv.Public(), priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(priv)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cert := write("code.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	key := write("code.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	badCert := write("bad.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("no")}))
	text := write("text", []byte("hello"))
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherDER, _ := x509.MarshalPKCS8PrivateKey(other)
	otherKey := write("other.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: otherDER}))
	//nolint:staticcheck // the legacy encrypted PEM that openssl -des3 writes
	encBlock, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", mustECDER(t, priv), []byte("s3cret"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	encKey := write("enc.key", pem.EncodeToMemory(encBlock))
	missing := filepath.Join(dir, "none.pem")

	a, err := LoadAuthenticode(cert, encKey, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if a.Cert != cert || a.Key != encKey || a.Password != "s3cret" {
		t.Errorf("loaded %+v", a)
	}
	if _, err := LoadAuthenticode(cert, key, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAuthenticode(cert, encKey, "wrong"); err == nil || !strings.Contains(err.Error(), "does not decrypt with the password in WELD_AUTHENTICODE_PASSWORD") {
		t.Errorf("wrong password: %v", err)
	}
	for _, tt := range []struct{ cert, key, wantErr string }{
		{missing, key, "Authenticode certificate " + missing + " does not exist"},
		{key, key, "Authenticode certificate " + key + " is not a PEM certificate"},
		{badCert, key, "Authenticode certificate " + badCert + " does not parse"},
		{cert, missing, "Authenticode key " + missing + " does not exist"},
		{cert, cert, "Authenticode key " + cert + " holds a certificate, not the private key"},
		{cert, text, "Authenticode key " + text + " is not a PEM file"},
		{cert, otherKey, "Authenticode key " + otherKey + " is not the private key of certificate " + cert},
		{cert, encKey, "Authenticode key " + encKey + " is encrypted; put its password in WELD_AUTHENTICODE_PASSWORD"},
	} {
		if _, err := LoadAuthenticode(tt.cert, tt.key, ""); err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
			t.Errorf("LoadAuthenticode(%s, %s): %v, want %q", filepath.Base(tt.cert), filepath.Base(tt.key), err, tt.wantErr)
		}
	}
}

func mustECDER(t *testing.T, k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestOsslsigncodeMessage(t *testing.T) {
	out := "Enter PEM pass phrase:\nFailed to decode private key file: enc.key (Wrong password?)\nFailed to read key or certificates\n40F04F28B27F0000:error:0688010A:asn1 encoding routines:nested asn1 error\nFailed\n"
	want := "Failed to decode private key file: enc.key (Wrong password?); Failed to read key or certificates"
	if got := osslsigncodeMessage(out); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
