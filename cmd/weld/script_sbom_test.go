package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/sbomschema"
)

// sbomComponent is what the sbom command reads of a component, in either
// format.
type sbomComponent struct {
	Name, Version, Purl, SHA256, License, Role string
}

// cmdSBOM reads an SBOM (SPDX or CycloneDX JSON) on its own, with
// encoding/json rather than weld's code:
//
//	sbom list FILE          prints "ROLE NAME VERSION PURL SHA256 LICENSE" per component
//	sbom lockcheck FILE     checks every Go module's checksum against weld.lock's h1:
//	sbom validate FILE      validates it against its format's published JSON schema
func cmdSBOM(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sbom list|lockcheck|validate FILE")
	}
	if args[0] == "validate" {
		data, err := os.ReadFile(ts.MkAbs(args[1]))
		if err != nil {
			ts.Fatalf("%v", err)
		}
		validate := sbomschema.ValidateSPDX
		if strings.HasSuffix(args[1], ".cdx.json") {
			validate = sbomschema.ValidateCycloneDX
		}
		if err := validate(data); (err != nil) != neg {
			ts.Fatalf("sbom validate %s: %v", args[1], err)
		}
		return
	}
	comps, err := readSBOM(ts.MkAbs(args[1]))
	if err != nil {
		ts.Fatalf("%v", err)
	}
	switch args[0] {
	case "list":
		var lines []string
		for _, c := range comps {
			lines = append(lines, strings.Join([]string{c.Role, c.Name, dash(c.Version), dash(c.Purl), dash(c.SHA256), dash(c.License)}, " "))
		}
		sort.Strings(lines)
		fmt.Fprintln(ts.Stdout(), strings.Join(lines, "\n"))
	case "lockcheck":
		l, err := lock.Read(ts.MkAbs(lock.FileName))
		if err != nil || l == nil {
			ts.Fatalf("reading weld.lock: %v", err)
		}
		var bad []string
		checked := 0
		for _, ms := range l.ModuleSums() {
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(ms.Sum, "h1:"))
			want := hex.EncodeToString(raw)
			for _, c := range comps {
				if c.Name == ms.Path && c.Version == ms.Version {
					checked++
					if c.SHA256 != want {
						bad = append(bad, fmt.Sprintf("%s %s: SBOM sha256 %s, weld.lock h1 %s (%s)", ms.Path, ms.Version, c.SHA256, ms.Sum, want))
					}
				}
			}
		}
		if checked == 0 {
			bad = append(bad, "no module of weld.lock is in the SBOM")
		}
		if len(bad) > 0 != neg {
			ts.Fatalf("sbom lockcheck: %d modules checked; %s", checked, strings.Join(bad, "; "))
		}
	default:
		ts.Fatalf("usage: sbom list|lockcheck FILE")
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func readSBOM(file string) ([]sbomComponent, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var probe struct {
		SPDXVersion string `json:"spdxVersion"`
		BOMFormat   string `json:"bomFormat"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	var out []sbomComponent
	switch {
	case probe.SPDXVersion != "":
		var doc struct {
			Packages []struct {
				Name, VersionInfo, LicenseDeclared, Summary string
				Checksums                                   []struct{ Algorithm, ChecksumValue string }
				ExternalRefs                                []struct{ ReferenceType, ReferenceLocator string }
			}
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, err
		}
		for _, p := range doc.Packages {
			c := sbomComponent{Name: p.Name, Version: p.VersionInfo, Role: strings.TrimPrefix(p.Summary, "weld role: ")}
			if p.LicenseDeclared != "NOASSERTION" {
				c.License = p.LicenseDeclared
			}
			if strings.HasPrefix(p.Summary, "built for ") {
				c.Role = "artifact"
			}
			for _, s := range p.Checksums {
				if s.Algorithm == "SHA256" {
					c.SHA256 = s.ChecksumValue
				}
			}
			for _, r := range p.ExternalRefs {
				if r.ReferenceType == "purl" {
					c.Purl = r.ReferenceLocator
				}
			}
			out = append(out, c)
		}
	case probe.BOMFormat == "CycloneDX":
		type comp struct {
			Name, Version, Purl string
			Hashes              []struct{ Alg, Content string }
			Licenses            []struct{ Expression string }
			Properties          []struct{ Name, Value string }
		}
		var doc struct {
			Metadata   struct{ Component comp }
			Components []comp
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, err
		}
		for i, c := range append([]comp{doc.Metadata.Component}, doc.Components...) {
			sc := sbomComponent{Name: c.Name, Version: c.Version, Purl: c.Purl}
			for _, h := range c.Hashes {
				if h.Alg == "SHA-256" {
					sc.SHA256 = h.Content
				}
			}
			for _, l := range c.Licenses {
				sc.License = l.Expression
			}
			for _, p := range c.Properties {
				if p.Name == "weld:role" {
					sc.Role = p.Value
				}
			}
			if i == 0 {
				sc.Role = "artifact"
			}
			out = append(out, sc)
		}
	default:
		return nil, fmt.Errorf("%s is neither SPDX nor CycloneDX", file)
	}
	return out, nil
}
