// Package sbomschema checks SBOM documents against the published JSON
// schemas of their formats: SPDX 2.3 and CycloneDX 1.6.
//
// It is for tests only: production code must not import it (a test of this
// package checks that none does). The schema files are kept verbatim under
// testdata/ (see testdata/README.md for where each came from) and are
// embedded, so tests in any package can validate without relative paths.
// References between schemas resolve only to those embedded files: the
// loader refuses every other URL, so validation never touches the network.
package sbomschema

import (
	"bytes"
	"embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed testdata/bom-1.6.schema.json testdata/spdx.schema.json testdata/jsf-0.82.schema.json testdata/spdx-schema.json
var schemaFiles embed.FS

// The URLs the schemas are known by: each root schema's "$id", and the
// URLs that CycloneDX's relative "$ref"s ("spdx.schema.json",
// "jsf-0.82.schema.json#/definitions/signature") resolve to against it.
const (
	spdxURL      = "http://spdx.org/rdf/terms/2.3"
	cycloneDXURL = "http://cyclonedx.org/schema/bom-1.6.schema.json"
)

// embeddedByURL maps every URL a schema may load to its embedded file.
var embeddedByURL = map[string]string{
	spdxURL:      "testdata/spdx-schema.json",
	cycloneDXURL: "testdata/bom-1.6.schema.json",
	"http://cyclonedx.org/schema/spdx.schema.json":     "testdata/spdx.schema.json",
	"http://cyclonedx.org/schema/jsf-0.82.schema.json": "testdata/jsf-0.82.schema.json",
}

// format names a document format and the root schema that defines it.
type format struct {
	name      string // as errors name the document
	schemaURL string
	compiled  func() (*jsonschema.Schema, error)
}

var (
	spdxFormat      = newFormat("SPDX 2.3 document", spdxURL)
	cycloneDXFormat = newFormat("CycloneDX 1.6 document", cycloneDXURL)
)

// newFormat compiles the format's schema once, on first use: most test
// binaries that link this package validate one format or none.
func newFormat(name, schemaURL string) *format {
	f := &format{name: name, schemaURL: schemaURL}
	f.compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
		files, err := readEmbedded()
		if err != nil {
			return nil, err
		}
		return compile(localLoader(files), schemaURL)
	})
	return f
}

// ValidateSPDX checks doc, an SPDX 2.3 JSON document, against the SPDX 2.3
// JSON schema. The error names each place in doc that fails, as a JSON
// pointer, with what the schema wants there.
func ValidateSPDX(doc []byte) error {
	return spdxFormat.validate(doc)
}

// ValidateCycloneDX checks doc, a CycloneDX 1.6 JSON BOM, against the
// CycloneDX 1.6 JSON schema (with the SPDX license list and JSF signature
// schemas it references). Formats such as "date-time" are asserted, not
// just annotated. The error names each place in doc that fails.
func ValidateCycloneDX(doc []byte) error {
	return cycloneDXFormat.validate(doc)
}

func (f *format) validate(doc []byte) error {
	schema, err := f.compiled()
	if err != nil {
		return fmt.Errorf("validating %s: compiling schema %s: %w", f.name, f.schemaURL, err)
	}
	instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("validating %s: it is not JSON: %w", f.name, err)
	}
	if err := schema.Validate(instance); err != nil {
		return describe(f.name, f.schemaURL, err)
	}
	return nil
}

// readEmbedded returns the embedded schema files by the URLs they are
// known by.
func readEmbedded() (map[string][]byte, error) {
	files := make(map[string][]byte, len(embeddedByURL))
	for url, name := range embeddedByURL {
		data, err := schemaFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading embedded schema %s: %w", name, err)
		}
		files[url] = data
	}
	return files, nil
}
