package attest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/lock"
)

func TestProvenance(t *testing.T) {
	l := &lock.Lock{
		Sums:   []string{"example.com/b v1.0.0 " + oneH1, "example.com/a v1.0.0 " + zeroH1, "example.com/a v1.0.0/go.mod " + zeroH1},
		Locals: []lock.LocalModule{{Module: "example.com/local", Path: "./local", Hash: oneH1}},
		Sysroots: []lock.Sysroot{{Target: "linux/arm64", Archive: "http://deb.debian.org/debian",
			Packages: []deb.Pin{{Package: "libcairo2", Version: "1.16.0-7", Architecture: "arm64", SHA256: oneHex, Filename: "pool/main/c/cairo/libcairo2_1.16.0-7_arm64.deb"}}}},
	}
	in := ProvenanceInput{
		Subjects: []Subject{{"app.spdx.json", zeroHex}, {"app", oneHex}},
		Manifest: "weld.yaml", ManifestSHA256: zeroHex, LockName: "weld.lock", LockSHA256: oneHex,
		Targets: []string{"linux/amd64", "linux/arm64"}, Outputs: []string{"deb", "sbom:spdx"},
		Lock: l, GoVersion: "go1.26.8", Tool: "weld (devel)",
	}
	a, err := Provenance(in)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Provenance(in)
	if !bytes.Equal(a, b) {
		t.Error("two provenances of the same input differ")
	}
	var st struct {
		Type          string `json:"_type"`
		PredicateType string
		Subject       []struct {
			Name   string
			Digest map[string]string
		}
		Predicate struct {
			BuildDefinition struct {
				BuildType            string
				ExternalParameters   map[string]any
				ResolvedDependencies []struct {
					Name   string
					URI    string `json:"uri"`
					Digest map[string]string
				}
			}
			RunDetails struct{ Builder struct{ ID string } }
		}
	}
	if err := json.Unmarshal(a, &st); err != nil {
		t.Fatal(err)
	}
	if st.Type != "https://in-toto.io/Statement/v1" || st.PredicateType != "https://slsa.dev/provenance/v1" ||
		st.Predicate.BuildDefinition.BuildType != BuildType || st.Predicate.RunDetails.Builder.ID != BuilderID {
		t.Errorf("statement header: %+v", st)
	}
	if len(st.Subject) != 2 || st.Subject[0].Name != "app" || st.Subject[0].Digest["sha256"] != oneHex {
		t.Errorf("subjects (sorted by name, with sha256): %+v", st.Subject)
	}
	ext := st.Predicate.BuildDefinition.ExternalParameters
	if m, _ := ext["lock"].(map[string]any); m["sha256"] != oneHex {
		t.Errorf("external parameters: %v", ext)
	}
	want := map[string]string{
		"pkg:golang/std@go1.26.8":                      "",
		"pkg:golang/example.com/a@v1.0.0":              zeroHex,
		"pkg:golang/example.com/b@v1.0.0":              oneHex,
		"pkg:golang/example.com/local":                 oneHex,
		"pkg:deb/debian/libcairo2@1.16.0-7?arch=arm64": oneHex,
	}
	got := map[string]string{}
	for _, d := range st.Predicate.BuildDefinition.ResolvedDependencies {
		got[d.URI] = d.Digest["sha256"]
	}
	for uri, sum := range want {
		if g, ok := got[uri]; !ok || g != sum {
			t.Errorf("resolved dependency %s: %q, %v; want %q", uri, g, ok, sum)
		}
	}
	if len(got) != len(want) {
		t.Errorf("resolved dependencies %v, want exactly %v", got, want)
	}
}
