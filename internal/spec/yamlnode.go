package spec

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// nodeReader decodes a YAML node tree by hand rather than through struct
// tags, because the node tree keeps line and column for every value and a
// strict hand-written walk can say exactly which key is wrong and where.
type nodeReader struct {
	file string
}

func (r nodeReader) pos(n *yaml.Node) Pos { return Pos{File: r.file, Line: n.Line, Col: n.Column} }

// parseDocument parses data into its root node, mapping syntax errors to
// positioned errors.
func (r nodeReader) parseDocument(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			pos := Pos{File: r.file, Line: le.Mark.Line, Col: le.Mark.Column}
			if pos.Line == 0 {
				// The reader's errors carry only a byte offset.
				pos = offsetPos(r.file, data, le.Mark.Index)
			}
			return nil, errorf(pos, "malformed YAML: %s", le.Message)
		}
		return nil, errorf(Pos{File: r.file, Line: 1, Col: 1}, "malformed YAML: %v", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errorf(Pos{File: r.file, Line: 1, Col: 1}, "empty manifest: expected at least the keys name, app and plugins")
	}
	return doc.Content[0], nil
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return "a " + strings.TrimPrefix(n.Tag, "!!")
	}
	return "an unsupported YAML value"
}

// fields walks a mapping, calling the handler registered for each key. An
// unknown or repeated key is an error at the key's position.
func (r nodeReader) fields(n *yaml.Node, what string, handlers map[string]func(*yaml.Node) error) error {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return errorf(r.pos(n), "%s must be a mapping, not %s", what, kindName(n))
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := resolve(n.Content[i]), n.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			return errorf(r.pos(key), "%s: keys must be plain words", what)
		}
		h, ok := handlers[key.Value]
		if !ok {
			return errorf(r.pos(key), "unknown key %q in %s (known keys: %s)", key.Value, what, knownKeys(handlers))
		}
		if prev, dup := seen[key.Value]; dup {
			return errorf(r.pos(key), "key %q repeated in %s (first at line %d)", key.Value, what, prev.Line)
		}
		seen[key.Value] = key
		if err := h(value); err != nil {
			return err
		}
	}
	return nil
}

func knownKeys[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// str decodes a scalar into dst. Numbers and booleans are accepted as their
// text, so that `version: 1.2` is not a type error.
func (r nodeReader) str(dst *string, what string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		n = resolve(n)
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			return errorf(r.pos(n), "%s must be a string, not %s", what, kindName(n))
		}
		*dst = n.Value
		return nil
	}
}

// strAt is str that also records where the value is.
func (r nodeReader) strAt(dst *string, pos *Pos, what string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		*pos = r.pos(resolve(n))
		return r.str(dst, what)(n)
	}
}

// strList decodes a list of scalars, or one scalar holding a comma- or
// space-separated list.
func (r nodeReader) strList(dst *[]string, what string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		n = resolve(n)
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Tag == "!!null" {
				return nil
			}
			*dst = strings.FieldsFunc(n.Value, func(c rune) bool { return c == ',' || c == ' ' })
			return nil
		case yaml.SequenceNode:
			for _, item := range n.Content {
				var s string
				if err := r.str(&s, what+" entries")(item); err != nil {
					return err
				}
				*dst = append(*dst, s)
			}
			return nil
		}
		return errorf(r.pos(n), "%s must be a list of strings, not %s", what, kindName(n))
	}
}

// seq calls item for every entry of a list.
func (r nodeReader) seq(what string, item func(*yaml.Node) error) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		n = resolve(n)
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			return errorf(r.pos(n), "%s must be a list, not %s", what, kindName(n))
		}
		for _, c := range n.Content {
			if err := item(c); err != nil {
				return err
			}
		}
		return nil
	}
}

// env decodes a mapping of environment variables, keeping manifest order.
func (r nodeReader) env(dst *[]string, what string) func(*yaml.Node) error {
	return r.checkedEnv(dst, what, nil)
}

// checkedEnv is env with a check of each variable; check returns "" for
// an acceptable variable, or what is wrong with it and what to do.
func (r nodeReader) checkedEnv(dst *[]string, what string, check func(name, value string) string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		n = resolve(n)
		if n.Kind != yaml.MappingNode {
			return errorf(r.pos(n), "%s must be a mapping of NAME: value, not %s", what, kindName(n))
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			var k, v string
			if err := r.str(&k, what+" names")(n.Content[i]); err != nil {
				return err
			}
			if err := r.str(&v, fmt.Sprintf("%s.%s", what, k))(n.Content[i+1]); err != nil {
				return err
			}
			if k == "" || strings.ContainsAny(k, "= ") {
				return errorf(r.pos(n.Content[i]), "%s: invalid variable name %q", what, k)
			}
			if seen[k] {
				return errorf(r.pos(n.Content[i]), "%s: variable %s set twice", what, k)
			}
			if check != nil {
				if msg := check(k, v); msg != "" {
					return errorf(r.pos(resolve(n.Content[i])), "%s: %s", what, msg)
				}
			}
			seen[k] = true
			*dst = append(*dst, k+"="+v)
		}
		return nil
	}
}
