package sign

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSignAndVerifyFile(t *testing.T) {
	dir := t.TempDir()
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "app")
	if err := os.WriteFile(file, []byte("the artifact\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	bundle, err := k.SignFile(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	if bundle != file+".sigstore.json" {
		t.Errorf("bundle written to %s", bundle)
	}
	// A v0.3 bundle with a message signature and the key's hint, and
	// nothing from Fulcio, Rekor or a timestamp authority.
	var doc struct {
		MediaType            string
		VerificationMaterial struct {
			PublicKey   struct{ Hint string }
			TlogEntries []any
			Certificate any
		}
		MessageSignature struct {
			MessageDigest struct{ Algorithm, Digest string }
			Signature     string
		}
	}
	data, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	hint, _ := Hint(k.Public)
	if doc.MediaType != "application/vnd.dev.sigstore.bundle.v0.3+json" || doc.VerificationMaterial.PublicKey.Hint != hint ||
		doc.MessageSignature.MessageDigest.Algorithm != "SHA2_256" || doc.MessageSignature.Signature == "" ||
		doc.VerificationMaterial.TlogEntries != nil || doc.VerificationMaterial.Certificate != nil {
		t.Errorf("bundle:\n%s", data)
	}
	if err := VerifyFile(file, "", k.Public, "weld.pub"); err != nil {
		t.Fatalf("verifying the signed file: %v", err)
	}

	other, _ := Generate()
	err = VerifyFile(file, "", other.Public, "other.pub")
	wantErr(t, err, file+" was signed by another key than other.pub (the bundle names key "+hint)

	moved := filepath.Join(dir, "elsewhere.json")
	if err := os.Rename(bundle, moved); err != nil {
		t.Fatal(err)
	}
	wantErr(t, VerifyFile(file, "", k.Public, "weld.pub"), file+" is not signed: there is no "+bundle+"; sign the build with --sign-key")
	if err := VerifyFile(file, moved, k.Public, "weld.pub"); err != nil {
		t.Fatalf("verifying with --bundle: %v", err)
	}

	if err := os.WriteFile(file, []byte("the artifact!\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	wantErr(t, VerifyFile(file, moved, k.Public, "weld.pub"), file+" changed after it was signed: its sha256 is ")

	if err := os.WriteFile(moved, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantErr(t, VerifyFile(file, moved, k.Public, "weld.pub"), moved+" is not a Sigstore bundle: ")
}

// TestVerifyForgedBundle: a bundle whose hint names the key and whose
// digest is the file's, but whose signature another key made, fails.
func TestVerifyForgedBundle(t *testing.T) {
	dir := t.TempDir()
	k, _ := Generate()
	forger, _ := Generate()
	file := filepath.Join(dir, "app")
	if err := os.WriteFile(file, []byte("the artifact\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	bundle, err := forger.SignFile(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(bundle)
	realHint, _ := Hint(k.Public)
	forgedHint, _ := Hint(forger.Public)
	data = []byte(strings.Replace(string(data), forgedHint, realHint, 1))
	if err := os.WriteFile(bundle, data, 0o644); err != nil {
		t.Fatal(err)
	}
	wantErr(t, VerifyFile(file, "", k.Public, "weld.pub"), "the signature in "+bundle+" does not verify for "+file+" with weld.pub: ")
}

func wantErr(t *testing.T, err error, prefix string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("error %v, want one starting %q", err, prefix)
	}
}
