package spec

import (
	"path/filepath"
	"testing"
)

func TestParseSign(t *testing.T) {
	s, err := Parse("weld.yaml", testDir, []byte(manifest(app,
		"sign:",
		"  key: keys/weld.key",
		"  authenticode: {cert: /abs/cert.pem, key: code.key}")))
	if err != nil {
		t.Fatal(err)
	}
	want := Sign{
		Key: filepath.Join(testDir, "keys/weld.key"), KeyPos: Pos{"weld.yaml", 3, 8},
		Authenticode: &Authenticode{Cert: "/abs/cert.pem", Key: filepath.Join(testDir, "code.key"),
			CertPos: Pos{"weld.yaml", 4, 24}, KeyPos: Pos{"weld.yaml", 4, 44}, Pos: Pos{"weld.yaml", 4, 17}},
		Pos: Pos{"weld.yaml", 3, 3},
	}
	if s.Sign.Key != want.Key || s.Sign.KeyPos != want.KeyPos || s.Sign.Pos != want.Pos || *s.Sign.Authenticode != *want.Authenticode {
		t.Errorf("sign:\n got %+v %+v\nwant %+v %+v", s.Sign, s.Sign.Authenticode, want, want.Authenticode)
	}
}

func TestParseSignErrors(t *testing.T) {
	runParseTests(t, []parseTest{
		{desc: "empty key", input: manifest(app, "sign: {key: ''}"),
			wantErr: "weld.yaml:2:13: sign.key is empty; give the private key file (weld keygen makes one), or remove the key"},
		{desc: "unknown key", input: manifest(app, "sign: {keyfile: x}"),
			wantErr: `weld.yaml:2:8: unknown key "keyfile" in sign (known keys: authenticode, key)`},
		{desc: "authenticode without key", input: manifest(app, "sign:", "  authenticode: {cert: c.pem}"),
			wantErr: "weld.yaml:3:17: sign.authenticode needs both cert (the certificate, PEM) and key (its private key, PEM)"},
	})
}
