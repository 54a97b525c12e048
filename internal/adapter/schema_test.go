package adapter

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v4"

	"github.com/weldgo/weld/internal/spec"
)

// schema compiles docs/adapter.schema.json, the documented format.
func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(filepath.Join("..", "..", "docs", "adapter.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asJSON turns a YAML document into the values a JSON document has.
func asJSON(t *testing.T, doc []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// adapterFiles collects every adapter the project uses: the embedded
// ones, those the test apps ship and those the test scripts point at.
func adapterFiles(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, n := range EmbeddedNames() {
		data, err := embedded.ReadFile("embedded/" + n + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		out["embedded/"+n] = data
	}
	for _, dir := range []string{"testdata/mod", "testdata/script"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", dir, "*.txtar"))
		for _, f := range files {
			ar, err := txtar.ParseFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, af := range ar.Files {
				if af.Name == FileName || strings.HasSuffix(af.Name, ".adapter.yaml") {
					out[filepath.Base(f)+"/"+af.Name] = af.Data
				}
			}
		}
	}
	return out
}

// TestSchemaMatchesTheParser: every adapter the project uses is valid by
// the documented schema and by weld's parser, and documents that one of
// them refuses, the other refuses too.
func TestSchemaMatchesTheParser(t *testing.T) {
	s := schema(t)
	files := adapterFiles(t)
	if len(files) < 4 {
		t.Fatalf("found %d adapters, want the embedded ones and the test apps'", len(files))
	}
	for name, data := range files {
		if err := s.Validate(asJSON(t, data)); err != nil {
			t.Errorf("%s: not valid by docs/adapter.schema.json: %v", name, err)
		}
		if _, err := spec.ParseAdapter(name, data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	invalid := map[string]string{
		"no format":              "app: x\n",
		"newer format":           "weld-adapter: 2\napp: x\n",
		"unknown key":            "weld-adapter: 1\napp: x\nwire: import\n",
		"unknown wiring":         "weld-adapter: 1\napp: x\nwiring: plugins\n",
		"factories, no main":     "weld-adapter: 1\napp: x\nwiring: factories\nfactories:\n  function: NewFactory\n  kinds: {receiver: a/b.Factory}\n",
		"ordered, no main":       "weld-adapter: 1\napp: x\nwiring: ordered\n",
		"bad kind type":          "weld-adapter: 1\napp: x\nmain: {template: x}\nwiring: factories\nfactories:\n  function: NewFactory\n  kinds: {receiver: Factory}\n",
		"unexported function":    "weld-adapter: 1\napp: x\nmain: {template: x}\nwiring: factories\nfactories:\n  function: newFactory\n  kinds: {receiver: a/b.Factory}\n",
		"default without name":   "weld-adapter: 1\napp: x\ndefaults:\n  - package: x/std\n",
		"module without version": "weld-adapter: 1\napp: x\ndefaults:\n  - {name: s, package: y/s, module: y}\n",
		"import named weld":      "weld-adapter: 1\napp: x\nmain:\n  imports: {weldx: x/y}\n  template: x\n",
		"stamp not a variable":   "weld-adapter: 1\napp: x\nbuild:\n  stamp: {Version: v}\n",
		"main without template":  "weld-adapter: 1\napp: x\nmain:\n  imports: {}\n",
	}
	for name, doc := range invalid {
		if err := s.Validate(asJSON(t, []byte(doc))); err == nil {
			t.Errorf("%s: the schema accepts what the parser refuses:\n%s", name, doc)
		}
		if _, err := spec.ParseAdapter("a.yaml", []byte(doc)); err == nil {
			t.Errorf("%s: the parser accepts what the schema refuses:\n%s", name, doc)
		}
	}
	if _, err := os.Stat(filepath.Join("..", "..", "docs", "adapters.md")); err != nil {
		t.Errorf("the format's documentation is missing: %v", err)
	}
}
