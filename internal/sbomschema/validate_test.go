package sbomschema

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

const (
	spdxSample      = "testdata/samples/spdx-2.3.json"
	cycloneDXSample = "testdata/samples/cyclonedx-1.6.json"
)

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestValidSamples: hand-written documents of the kind weld writes (an
// artifact, its main module and a dependency with purls and checksums; for
// CycloneDX also a license from the SPDX list and a dependency graph) are
// valid.
func TestValidSamples(t *testing.T) {
	for _, tc := range []struct {
		sample   string
		validate func([]byte) error
	}{
		{spdxSample, ValidateSPDX},
		{cycloneDXSample, ValidateCycloneDX},
	} {
		t.Run(tc.sample, func(t *testing.T) {
			if err := tc.validate(readSample(t, tc.sample)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestFormatsAreNotInterchangeable: each validator refuses the other
// format's document, so a test that validates the wrong file fails.
func TestFormatsAreNotInterchangeable(t *testing.T) {
	if err := ValidateSPDX(readSample(t, cycloneDXSample)); err == nil {
		t.Error("ValidateSPDX accepted a CycloneDX BOM")
	}
	if err := ValidateCycloneDX(readSample(t, spdxSample)); err == nil {
		t.Error("ValidateCycloneDX accepted an SPDX document")
	}
}

// remove is the value of a change that deletes the member at its pointer.
var remove = new(struct{})

// change is one edit to a valid sample that makes it invalid.
type change struct {
	pointer string // JSON pointer, without escapes: "/packages/1/name"
	value   any    // the new value, or remove
}

// edit applies c to the JSON document doc.
func edit(t *testing.T, doc []byte, c change) []byte {
	t.Helper()
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	tokens := strings.Split(strings.TrimPrefix(c.pointer, "/"), "/")
	parent := root
	for _, tok := range tokens[:len(tokens)-1] {
		parent = child(t, parent, tok, c.pointer)
	}
	last := tokens[len(tokens)-1]
	switch p := parent.(type) {
	case map[string]any:
		if c.value == remove {
			delete(p, last)
		} else {
			p[last] = c.value
		}
	case []any:
		i, err := strconv.Atoi(last)
		if err != nil || i >= len(p) || c.value == remove {
			t.Fatalf("cannot change %s", c.pointer)
		}
		p[i] = c.value
	default:
		t.Fatalf("cannot change %s", c.pointer)
	}
	out, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func child(t *testing.T, v any, tok, pointer string) any {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		if c, ok := v[tok]; ok {
			return c
		}
	case []any:
		if i, err := strconv.Atoi(tok); err == nil && i < len(v) {
			return v[i]
		}
	}
	t.Fatalf("%s: no %q in the sample", pointer, tok)
	return nil
}

// brokenCase is a valid sample made invalid by one change, and what the
// error must say: where (the instance location) and what.
type brokenCase struct {
	name   string
	change change
	at     string // the instance location the error names
	says   string // words of the schema's complaint
}

func checkBroken(t *testing.T, sample, docName string, validate func([]byte) error, cases []brokenCase) {
	t.Helper()
	valid := readSample(t, sample)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := validate(edit(t, valid, tc.change))
			if err == nil {
				t.Fatalf("setting %s to %v was accepted", tc.change.pointer, tc.change.value)
			}
			msg := err.Error()
			for _, want := range []string{docName, "at '" + tc.at + "'", tc.says} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q:\n%s", want, msg)
				}
			}
		})
	}
}

func TestBrokenSPDX(t *testing.T) {
	checkBroken(t, spdxSample, "SPDX 2.3 document", ValidateSPDX, []brokenCase{
		{"no spdxVersion", change{"/spdxVersion", remove},
			"", "missing property 'spdxVersion'"},
		{"no creators", change{"/creationInfo/creators", remove},
			"/creationInfo", "missing property 'creators'"},
		{"package without downloadLocation", change{"/packages/2/downloadLocation", remove},
			"/packages/2", "missing property 'downloadLocation'"},
		{"CycloneDX's name for SHA-256", change{"/packages/2/checksums/0/algorithm", "SHA-256"},
			"/packages/2/checksums/0/algorithm", "must be one of"},
		{"SPDX 2.3.1's spelling of PACKAGE-MANAGER", change{"/packages/2/externalRefs/0/referenceCategory", "PACKAGE_MANAGER"},
			"/packages/2/externalRefs/0/referenceCategory", "must be one of"},
		{"relationship type with a hyphen", change{"/relationships/2/relationshipType", "DEPENDS-ON"},
			"/relationships/2/relationshipType", "must be one of"},
		{"purpose not in the list", change{"/packages/0/primaryPackagePurpose", "BINARY"},
			"/packages/0/primaryPackagePurpose", "must be one of"},
		{"checksum without a value", change{"/packages/0/checksums/0/checksumValue", remove},
			"/packages/0/checksums/0", "missing property 'checksumValue'"},
		{"filesAnalyzed as a string", change{"/packages/1/filesAnalyzed", "false"},
			"/packages/1/filesAnalyzed", "got string, want boolean"},
	})
}

func TestBrokenCycloneDX(t *testing.T) {
	checkBroken(t, cycloneDXSample, "CycloneDX 1.6 document", ValidateCycloneDX, []brokenCase{
		{"no specVersion", change{"/specVersion", remove},
			"", "missing property 'specVersion'"},
		{"a field of another format", change{"/spdxVersion", "SPDX-2.3"},
			"", "additional properties 'spdxVersion' not allowed"},
		{"component without a name", change{"/components/1/name", remove},
			"/components/1", "missing property 'name'"},
		{"component type not in the list", change{"/components/1/type", "go-module"},
			"/components/1/type", "must be one of"},
		{"SPDX's name for SHA-256", change{"/components/1/hashes/0/alg", "SHA256"},
			"/components/1/hashes/0/alg", "must be one of"},
		{"a go.sum hash is not hex", change{"/components/1/hashes/0/content", "h1:QqlB1TRn9jtSjrqP8AaNKpVt6+5F1YyHD5Hrfx5bQyE="},
			"/components/1/hashes/0/content", "does not match pattern"},
		{"hex of no known digest length", change{"/metadata/component/hashes/0/content", "5e9b1d3f"},
			"/metadata/component/hashes/0/content", "does not match pattern"},
		{"timestamp without a zone", change{"/metadata/timestamp", "2026-12-01 12:00:00"},
			"/metadata/timestamp", "not valid date-time"},
		{"serial number in upper case", change{"/serialNumber", "urn:uuid:6C1D0A6E-0F7B-4B52-9D3A-3F2C54E0A9B1"},
			"/serialNumber", "does not match pattern"},
		{"a dependency listed twice", change{"/dependencies/1/dependsOn/1", "pkg:golang/golang.org/x/sync@v0.25.0"},
			"/dependencies/1/dependsOn", "items at 0 and 1 are equal"},
		{"dependency without ref", change{"/dependencies/3/ref", remove},
			"/dependencies/3", "missing property 'ref'"},
		// These two reach the referenced schemas: spdx.schema.json and
		// jsf-0.82.schema.json.
		{"license id not in the SPDX list", change{"/components/1/licenses/0/license/id", "BSD 3-Clause"},
			"/components/1/licenses/0/license/id", "must be one of"},
		{"signature without a value", change{"/signature", map[string]any{"algorithm": "ES256"}},
			"/signature", "missing property 'value'"},
	})
}

// TestNotJSON: a document that is not JSON fails with the document's name.
func TestNotJSON(t *testing.T) {
	for name, validate := range map[string]func([]byte) error{
		"SPDX 2.3 document":      ValidateSPDX,
		"CycloneDX 1.6 document": ValidateCycloneDX,
	} {
		err := validate([]byte(`{"spdxVersion": `))
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "not JSON") {
			t.Errorf("%s: got %v, want an error that names it and says it is not JSON", name, err)
		}
	}
}

// TestManyProblemsAreBounded: a document wrong in many places gets an
// error of at most maxProblems lines and a count of the rest.
func TestManyProblemsAreBounded(t *testing.T) {
	var comps []any
	for i := range maxProblems + 5 {
		// Distinct versions: the schema wants unique components.
		comps = append(comps, map[string]any{"type": "library", "version": strconv.Itoa(i)})
	}
	doc := edit(t, readSample(t, cycloneDXSample), change{"/components", comps})
	err := ValidateCycloneDX(doc)
	if err == nil {
		t.Fatal("components without names were accepted")
	}
	msg := err.Error()
	if got := strings.Count(msg, "\n  at '"); got != maxProblems {
		t.Errorf("the error lists %d problems, want %d:\n%s", got, maxProblems, msg)
	}
	if !strings.Contains(msg, "(and 5 more)") {
		t.Errorf("the error does not count the problems left out:\n%s", msg)
	}
}

// TestProblemLinesAreReadable: a complaint listing the 700 identifiers of
// the SPDX license list is cut short, and the failures of a oneOf's
// alternatives say that they are alternatives, not all to be fixed.
func TestProblemLinesAreReadable(t *testing.T) {
	doc := edit(t, readSample(t, cycloneDXSample), change{"/components/1/licenses/0/license/id", "BSD 3-Clause"})
	err := ValidateCycloneDX(doc)
	if err == nil {
		t.Fatal("an unknown license id was accepted")
	}
	const alternatives = " (in one of several alternatives, none of which fits)"
	lines := strings.Split(err.Error(), "\n")[1:]
	for _, line := range lines {
		if n := len(strings.TrimSuffix(strings.TrimSpace(line), alternatives)); n > maxProblemLen+len("…") {
			t.Errorf("a line of %d bytes: %.80s…", n, line)
		}
		if !strings.HasSuffix(line, alternatives) {
			t.Errorf("the line does not say it is one of the alternatives: %.120s", line)
		}
	}
	if !strings.Contains(lines[0], "'0BSD'") || !strings.HasSuffix(strings.TrimSuffix(lines[0], alternatives), "…") {
		t.Errorf("the long line is not cut with an ellipsis: %s", lines[0])
	}
}
