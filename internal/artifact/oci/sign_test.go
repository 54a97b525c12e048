package oci

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// The encoding DSSE signs, from the DSSE protocol's worked example.
func TestPAE(t *testing.T) {
	for _, c := range []struct{ typ, payload, want string }{
		{"http://example.com/HelloWorld", "hello world", "DSSEv1 29 http://example.com/HelloWorld 11 hello world"},
		{"", "", "DSSEv1 0  0 "},
		{InTotoPayloadType, "{}", "DSSEv1 28 application/vnd.in-toto+json 2 {}"},
	} {
		if got := string(pae(c.typ, []byte(c.payload))); got != c.want {
			t.Errorf("pae(%q, %q) = %q, want %q", c.typ, c.payload, got, c.want)
		}
	}
}

// verify checks sig over message with pub the way cosign's key-based
// verifiers do for each key type.
func verify(pub crypto.PublicKey, message, sig []byte) bool {
	sum := sha256.Sum256(message)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(k, sum[:], sig)
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil
	case ed25519.PublicKey:
		return ed25519.Verify(k, message, sig)
	}
	return false
}

func testSigners(t *testing.T) map[string]crypto.Signer {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.Signer{"ecdsa": ec, "ed25519": ed, "rsa": rs}
}

func TestSignatureImage(t *testing.T) {
	img, err := Build(testSpec(t, amd64))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for kind, signer := range testSigners(t) {
		t.Run(kind, func(t *testing.T) {
			sigImg, err := SignatureImage(signer, "example.com/prog", d)
			if err != nil {
				t.Fatal(err)
			}
			m, err := sigImg.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Layers) != 1 || m.Layers[0].MediaType != SimpleSigningMediaType {
				t.Fatalf("layers %+v, want one simple-signing payload", m.Layers)
			}
			layers, _ := sigImg.Layers()
			rc, err := layers[0].Uncompressed()
			if err != nil {
				t.Fatal(err)
			}
			payload, _ := io.ReadAll(rc)
			rc.Close()
			var p map[string]map[string]any
			if err := json.Unmarshal(payload, &p); err != nil {
				t.Fatal(err)
			}
			crit := p["critical"]
			if crit["type"] != CosignSignatureType ||
				crit["image"].(map[string]any)["docker-manifest-digest"] != d.String() ||
				crit["identity"].(map[string]any)["docker-reference"] != "example.com/prog" {
				t.Errorf("payload %s does not name %s as cosign's simple signing does", payload, d)
			}
			sig, err := base64.StdEncoding.DecodeString(m.Layers[0].Annotations[SignatureAnnotation])
			if err != nil {
				t.Fatal(err)
			}
			if !verify(signer.Public(), payload, sig) {
				t.Errorf("the signature does not verify with the signer's public key")
			}
			if verify(other.Public(), payload, sig) {
				t.Errorf("the signature verifies with another key")
			}
		})
	}
}

func TestDSSE(t *testing.T) {
	statement := []byte(`{"_type":"https://in-toto.io/Statement/v1"}`)
	unsigned, err := DSSE(statement, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"payload":"` + base64.StdEncoding.EncodeToString(statement) + `","payloadType":"application/vnd.in-toto+json","signatures":[]}`
	if string(unsigned) != want {
		t.Errorf("unsigned envelope %s, want %s", unsigned, want)
	}
	for kind, signer := range testSigners(t) {
		env, err := DSSE(statement, signer)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			PayloadType, Payload string
			Signatures           []struct{ Sig string }
		}
		if err := json.Unmarshal(env, &e); err != nil {
			t.Fatal(err)
		}
		payload, _ := base64.StdEncoding.DecodeString(e.Payload)
		if !bytes.Equal(payload, statement) || len(e.Signatures) != 1 {
			t.Fatalf("%s: envelope %s, want the statement and one signature", kind, env)
		}
		sig, _ := base64.StdEncoding.DecodeString(e.Signatures[0].Sig)
		if !verify(signer.Public(), pae(e.PayloadType, payload), sig) {
			t.Errorf("%s: the envelope's signature does not verify over its PAE", kind)
		}
		if verify(signer.Public(), payload, sig) {
			t.Errorf("%s: the signature is over the bare payload, not its PAE", kind)
		}
	}
}

// A layout with signatures marks the signed image and its signatures as
// cosign save does; one without has no such marks.
func TestLayoutKinds(t *testing.T) {
	img, err := Build(testSpec(t, amd64))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sigImg, err := SignatureImage(key, "prog", d)
	if err != nil {
		t.Fatal(err)
	}
	sbom, err := AttachmentImage([]Document{{MediaType: SPDXMediaType, Data: []byte("{}")}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := func(a Artifact) map[string]string {
		dir := filepath.Join(t.TempDir(), "layout")
		if _, err := (Layout{Dir: dir, Tags: []string{"latest"}}).Publish(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		p, err := layout.FromPath(dir)
		if err != nil {
			t.Fatal(err)
		}
		idx, _ := p.ImageIndex()
		im, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, m := range im.Manifests {
			out[m.Annotations[RefName]] = m.Annotations[LayoutKindAnnotation]
		}
		return out
	}
	sigTag, sbomTag := AttachmentTag(d, "sig"), AttachmentTag(d, "sbom")
	got := kinds(Artifact{Image: img, Attachments: []Attachment{
		{Tag: sbomTag, Image: sbom},
		{Tag: sigTag, Image: sigImg, LayoutKind: LayoutKindSignatures},
	}})
	want := map[string]string{"latest": LayoutKindImage, sigTag: LayoutKindSignatures, sbomTag: ""}
	if len(got) != len(want) || got["latest"] != want["latest"] || got[sigTag] != want[sigTag] || got[sbomTag] != "" {
		t.Errorf("signed layout kinds %v, want %v", got, want)
	}
	got = kinds(Artifact{Image: img, Attachments: []Attachment{{Tag: sbomTag, Image: sbom}}})
	if got["latest"] != "" || got[sbomTag] != "" {
		t.Errorf("unsigned layout kinds %v, want none", got)
	}
	if !IsAttachmentTag(sigTag) || IsAttachmentTag("latest") || IsAttachmentTag(d.String()+".sig") {
		t.Errorf("IsAttachmentTag does not tell a signature tag from an image tag")
	}
}

// An unsigned attestation is as before; a signed one's layer carries the
// annotations without which cosign verify-attestation sees no attestation.
func TestAttestationImage(t *testing.T) {
	statement := []byte(`{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1"}`)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, c := range []struct {
		signer crypto.Signer
		want   map[string]string
	}{
		{nil, nil},
		{key, map[string]string{SignatureAnnotation: "", "predicateType": "https://slsa.dev/provenance/v1"}},
	} {
		img, err := AttestationImage(statement, c.signer)
		if err != nil {
			t.Fatal(err)
		}
		m, err := img.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		got := m.Layers[0].Annotations
		if len(m.Layers) != 1 || m.Layers[0].MediaType != DSSEMediaType || len(got) != len(c.want) ||
			got[SignatureAnnotation] != c.want[SignatureAnnotation] || got["predicateType"] != c.want["predicateType"] {
			t.Errorf("signed %v: layers %+v, want one DSSE envelope annotated %v", c.signer != nil, m.Layers, c.want)
		}
	}
}
