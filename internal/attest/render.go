package attest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/weldgo/weld/internal/debcopyright"
)

// Render writes the SBOM in format (SPDX or CycloneDX) as JSON. The bytes
// depend only on the SBOM: identifiers are derived from its content, and
// the time is the build's fixed epoch.
func (s *SBOM) Render(format string) ([]byte, error) {
	switch format {
	case SPDX:
		return s.spdx()
	case CycloneDX:
		return s.cyclonedx()
	}
	return nil, fmt.Errorf("unknown SBOM format %q (spdx or cyclonedx)", format)
}

// digest identifies the SBOM's content, for its document namespace and
// serial number.
func (s *SBOM) digest() [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s %s %s\n", s.Artifact.Name, s.Artifact.SHA256, s.Target, s.Created.Format(time.RFC3339))
	for _, c := range s.Components {
		fmt.Fprintf(h, "%s %s %s %s %s\n", c.Ref, c.Version, c.Purl, c.SHA256, c.License)
	}
	for _, r := range s.Relations {
		fmt.Fprintf(h, "%s %s %s\n", r.From, r.Type, r.To)
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	return d
}

var notIDChars = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// spdxID turns a component reference into an SPDX identifier: its
// readable part, and a short hash that keeps two references apart that
// read the same.
func spdxID(ref string) common.ElementID {
	sum := sha256.Sum256([]byte(ref))
	return common.ElementID(notIDChars.ReplaceAllString(ref, "-") + "-" + hex.EncodeToString(sum[:4]))
}

func (s *SBOM) spdx() ([]byte, error) {
	d := s.digest()
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      s.Artifact.Name,
		DocumentNamespace: fmt.Sprintf("https://github.com/weldgo/weld/spdx/%s-%s", s.Artifact.Name, hex.EncodeToString(d[:])),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: s.Tool}},
			Created:  s.Created.Format(time.RFC3339),
		},
	}
	pkg := func(c Component, purpose string) *spdx.Package {
		p := &spdx.Package{
			PackageName:             c.Name,
			PackageSPDXIdentifier:   spdxID(c.Ref),
			PackageVersion:          c.Version,
			PackageDownloadLocation: "NOASSERTION",
			PackageLicenseConcluded: "NOASSERTION",
			PackageLicenseDeclared:  "NOASSERTION",
			PackageCopyrightText:    "NOASSERTION",
			PrimaryPackagePurpose:   purpose,
			PackageComment:          c.Comment,
		}
		if c.License != "" {
			p.PackageLicenseDeclared = c.License
		}
		if c.Role != "" {
			p.PackageSummary = "weld role: " + c.Role
		}
		if c.SHA256 != "" {
			p.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: c.SHA256}}
		}
		if c.Purl != "" {
			p.PackageExternalReferences = []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: c.Purl}}
		}
		return p
	}
	art := pkg(s.Artifact, "APPLICATION")
	art.PackageFileName = s.Artifact.Name
	art.PackageSummary = "built for " + s.Target.String()
	doc.Packages = append(doc.Packages, art)
	for _, c := range s.Components {
		purpose := "LIBRARY"
		switch c.Role {
		case RoleApp:
			purpose = "APPLICATION"
		case RoleToolchain:
			purpose = "OTHER"
		}
		doc.Packages = append(doc.Packages, pkg(c, purpose))
	}
	id := func(ref string) common.DocElementID {
		if ref == "artifact" {
			return common.MakeDocElementID("", string(spdxID(s.Artifact.Ref)))
		}
		return common.MakeDocElementID("", string(spdxID(ref)))
	}
	doc.OtherLicenses = licenseRefs(s.Components)
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA: common.MakeDocElementID("", "DOCUMENT"), RefB: id("artifact"), Relationship: "DESCRIBES"})
	for _, r := range s.Relations {
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{RefA: id(r.From), RefB: id(r.To), Relationship: r.Type})
	}
	var buf bytes.Buffer
	if err := spdxjson.Write(doc, &buf, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return nil, fmt.Errorf("writing SPDX: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *SBOM) cyclonedx() ([]byte, error) {
	d := s.digest()
	// A UUID (version 4 layout) made from the content, so that the same
	// lock gives the same serial number.
	u := d[:16]
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	serial := fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	comp := func(c Component, typ cdx.ComponentType) cdx.Component {
		out := cdx.Component{BOMRef: c.Ref, Type: typ, Name: c.Name, Version: c.Version, PackageURL: c.Purl, Description: c.Comment}
		if c.SHA256 != "" {
			out.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: c.SHA256}}
		}
		if c.License != "" {
			out.Licenses = &cdx.Licenses{{Expression: c.License}}
		}
		if c.Role != "" {
			out.Properties = &[]cdx.Property{{Name: "weld:role", Value: c.Role}}
		}
		return out
	}
	art := comp(s.Artifact, cdx.ComponentTypeApplication)
	art.Properties = &[]cdx.Property{{Name: "weld:target", Value: s.Target.String()}}
	bom := cdx.NewBOM()
	bom.SerialNumber = serial
	bom.Metadata = &cdx.Metadata{
		Timestamp: s.Created.Format(time.RFC3339),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: s.Tool}}},
		Component: &art,
	}
	var comps []cdx.Component
	for _, c := range s.Components {
		typ := cdx.ComponentTypeLibrary
		switch c.Role {
		case RoleApp:
			typ = cdx.ComponentTypeApplication
		case RoleToolchain:
			typ = cdx.ComponentTypePlatform
		}
		comps = append(comps, comp(c, typ))
	}
	bom.Components = &comps
	deps := map[string][]string{}
	var order []string
	for _, r := range s.Relations {
		if _, ok := deps[r.From]; !ok {
			order = append(order, r.From)
		}
		deps[r.From] = append(deps[r.From], r.To)
	}
	var dl []cdx.Dependency
	for _, from := range order {
		to := deps[from]
		dl = append(dl, cdx.Dependency{Ref: from, Dependencies: &to})
	}
	bom.Dependencies = &dl
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return nil, fmt.Errorf("writing CycloneDX: %w", err)
	}
	return buf.Bytes(), nil
}

var licenseRef = regexp.MustCompile(`LicenseRef-[A-Za-z0-9.-]+`)

// licenseRefs declares every LicenseRef the components' licenses use, as
// SPDX requires: the licenses Debian copyright files name by a short
// name with no SPDX identifier (debcopyright.RefPrefix).
func licenseRefs(comps []Component) []*spdx.OtherLicense {
	seen := map[string]bool{}
	var out []*spdx.OtherLicense
	for _, c := range comps {
		for _, id := range licenseRef.FindAllString(c.License, -1) {
			if seen[id] {
				continue
			}
			seen[id] = true
			name := strings.TrimPrefix(id, debcopyright.RefPrefix)
			out = append(out, &spdx.OtherLicense{LicenseIdentifier: id, LicenseName: name,
				ExtractedText: fmt.Sprintf("The license a Debian copyright file (usr/share/doc/PACKAGE/copyright) names %q, which has no SPDX identifier; its text is in that file.", name)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LicenseIdentifier < out[j].LicenseIdentifier })
	return out
}
