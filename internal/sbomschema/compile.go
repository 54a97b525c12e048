package sbomschema

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// ErrNotLocal is the loader's refusal of a URL that is none of the given
// schema files. Validation must not depend on what a web server answers
// today, nor try the network at all.
var ErrNotLocal = errors.New("refusing to load a schema that is not one of the local files")

// localLoader serves schema documents from memory, by URL, and refuses
// every other URL (http, https, file or any scheme).
type localLoader map[string][]byte

func (l localLoader) Load(url string) (any, error) {
	data, ok := l[url]
	if !ok {
		known := make([]string, 0, len(l))
		for u := range l {
			known = append(known, u)
		}
		slices.Sort(known)
		return nil, fmt.Errorf("%w: %s (local: %s)", ErrNotLocal, url, strings.Join(known, ", "))
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parsing schema %s: %w", url, err)
	}
	return doc, nil
}

// compile compiles the schema at rootURL, loading it and every schema it
// references through loader alone (a localLoader, or a test's wrapper of
// one). The JSON Schema metaschemas come from the jsonschema module itself.
func compile(loader jsonschema.URLLoader, rootURL string) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(loader)
	// Both schemas declare their draft in "$schema"; this is only for one
	// that would not.
	c.DefaultDraft(jsonschema.Draft7)
	// A malformed timestamp or e-mail address is a bug in the generator,
	// so formats must fail validation, not be mere annotations. The library
	// asserts them for draft-07 anyway; this keeps it so for any draft.
	c.AssertFormat()
	return c.Compile(rootURL)
}

// maxProblems bounds the lines of one error: a document that is wrong
// everywhere needs its first problems fixed, not a thousand lines. And
// maxProblemLen bounds one line: an enum of 700 license identifiers is not
// worth reading in full.
const (
	maxProblems   = 20
	maxProblemLen = 300
)

// describe turns a validation failure into one error that names the
// document and, for each failing place, its JSON pointer and what is wrong.
func describe(docName, schemaURL string, err error) error {
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return fmt.Errorf("validating %s against %s: %w", docName, schemaURL, err)
	}
	var problems []string
	seen := map[string]bool{}
	for _, l := range leaves(verr, false) {
		// A leaf's own Error is "at '/pointer': what is wrong".
		p := strings.Replace(l.err.Error(), "at '':", "at '' (the top level):", 1)
		if len(p) > maxProblemLen {
			p = strings.ToValidUTF8(p[:maxProblemLen], "") + "…"
		}
		if l.alternative {
			p += " (in one of several alternatives, none of which fits)"
		}
		if !seen[p] {
			seen[p] = true
			problems = append(problems, p)
		}
	}
	more := ""
	if len(problems) > maxProblems {
		more = fmt.Sprintf("\n  (and %d more)", len(problems)-maxProblems)
		problems = problems[:maxProblems]
	}
	return fmt.Errorf("%s is not valid by %s:\n  %s%s", docName, schemaURL, strings.Join(problems, "\n  "), more)
}

// leaf is an innermost failure, one that says what is wrong (the others
// only say that a $ref, allOf or oneOf failed).
type leaf struct {
	err *jsonschema.ValidationError
	// alternative tells that it is under a oneOf or anyOf, so that fixing
	// it is one way among others to make the document valid.
	alternative bool
}

// leaves returns the leaves under e, in the order the validator found them.
func leaves(e *jsonschema.ValidationError, alternative bool) []leaf {
	if len(e.Causes) == 0 {
		return []leaf{{e, alternative}}
	}
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		alternative = len(e.Causes) > 1
	}
	var out []leaf
	for _, c := range e.Causes {
		out = append(out, leaves(c, alternative)...)
	}
	return out
}
