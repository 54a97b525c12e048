package target

import "fmt"

// Selection is what a command was asked to build for.
type Selection struct {
	// Requested are the --target values, in order; "all" stands for every
	// target of Manifest that Only admits.
	Requested []string
	// Manifest are the manifest's targets.
	Manifest []string
	// Only, when set, admits the targets a command can build (images:
	// Linux only); OnlyWhat names them ("Linux") and OnlyWhy says why
	// ("images are Linux only").
	Only     func(Target) bool
	OnlyWhat string
	OnlyWhy  string
	// Default is what is built when nothing is requested and the manifest
	// names no admitted target: the host, usually.
	Default Target
}

// Select returns the targets of sel, each once, in the order asked: the
// requested ones, or else the manifest's admitted ones, or else Default.
func Select(sel Selection) ([]Target, error) {
	admitted, err := sel.admitted()
	if err != nil {
		return nil, err
	}
	names := sel.Requested
	if len(names) == 0 {
		switch {
		case len(sel.Manifest) > 0 && len(admitted) == 0:
			return nil, fmt.Errorf("the manifest lists no %s target, and %s; add one such as linux/amd64 to targets:", sel.OnlyWhat, sel.OnlyWhy)
		case len(admitted) == 0:
			return []Target{sel.Default}, nil
		}
		return admitted, nil
	}
	var out []Target
	seen := map[Target]bool{}
	add := func(t Target) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, n := range names {
		if n == "all" {
			if len(admitted) == 0 {
				if sel.Only != nil {
					return nil, fmt.Errorf("--target all: the manifest lists no %s targets", sel.OnlyWhat)
				}
				return nil, fmt.Errorf("--target all: the manifest lists no targets; add targets: [linux/amd64, ...] to it")
			}
			for _, t := range admitted {
				add(t)
			}
			continue
		}
		t, err := Parse(n)
		if err != nil {
			return nil, err
		}
		if sel.Only != nil && !sel.Only(t) {
			return nil, fmt.Errorf("--target %s: %s", t, sel.OnlyWhy)
		}
		add(t)
	}
	return out, nil
}

// admitted are the manifest's targets that Only admits.
func (sel Selection) admitted() ([]Target, error) {
	var out []Target
	for _, n := range sel.Manifest {
		t, err := Parse(n)
		if err != nil {
			return nil, err
		}
		if sel.Only == nil || sel.Only(t) {
			out = append(out, t)
		}
	}
	return out, nil
}
