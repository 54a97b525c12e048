package serve

import (
	"fmt"
	"strings"

	"golang.org/x/mod/semver"
)

// Constraint is a range of versions: every clause must hold, as in
// ">= v0.1.0, < v0.2.0".
type Constraint struct {
	clauses []clause
}

type clause struct {
	op, version string
}

var constraintOps = []string{">=", "<=", "!=", ">", "<", "="}

// ParseConstraint reads comma-separated clauses OP VERSION, where OP is
// one of >=, >, <=, <, = and != (a bare version means =).
func ParseConstraint(s string) (*Constraint, error) {
	c := &Constraint{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		op := "="
		for _, o := range constraintOps {
			if rest, ok := strings.CutPrefix(part, o); ok {
				op, part = o, strings.TrimSpace(rest)
				break
			}
		}
		if part == "" {
			return nil, fmt.Errorf("%q has an empty clause; write clauses such as >= v1.0.0, < v2.0.0", s)
		}
		if !semver.IsValid(part) {
			return nil, fmt.Errorf("%q: %q is not a semantic version such as v1.2.3", s, part)
		}
		c.clauses = append(c.clauses, clause{op, part})
	}
	return c, nil
}

// Allows says whether v satisfies every clause. Only valid semantic
// versions do: a pseudo-version satisfies a range only as the version it
// sorts as.
func (c *Constraint) Allows(v string) bool {
	if !semver.IsValid(v) {
		return false
	}
	for _, cl := range c.clauses {
		n := semver.Compare(v, cl.version)
		ok := false
		switch cl.op {
		case ">=":
			ok = n >= 0
		case ">":
			ok = n > 0
		case "<=":
			ok = n <= 0
		case "<":
			ok = n < 0
		case "=":
			ok = n == 0
		case "!=":
			ok = n != 0
		}
		if !ok {
			return false
		}
	}
	return true
}

func (c *Constraint) String() string {
	parts := make([]string, len(c.clauses))
	for i, cl := range c.clauses {
		parts[i] = cl.op + " " + cl.version
	}
	return strings.Join(parts, ", ")
}
