package apicheck

import (
	"go/types"
	"regexp"
	"strings"
)

// An API often names a type of an internal package through an alias
// (component.TelemetrySettings = telemetry.TelemetrySettings), and a later
// version makes the alias a type of its own with the same name. apidiff
// compares types of other packages by identity, so it reports every use
// of the type as changed ("changed from …/internal/telemetry.TelemetrySettings
// to TelemetrySettings"), while a plugin, which can name the type only
// through the alias, compiles as before as long as the new type keeps what
// the old one offered. internalRenames finds such types, so that those
// changes are dropped.

// rename is an internal type that an exported alias named, and that name
// as apidiff prints it in the messages of the package compared.
type rename struct {
	internal *regexp.Regexp
	alias    string
}

// internalRenames returns the renames of the internal types that old (or a
// package it imports) names through an exported alias, where the same
// package in new's imports declares a type of that name instead, which
// keeps every exported field and method of the internal type.
func internalRenames(old, new *types.Package) []rename {
	newPkgs := map[string]*types.Package{}
	walkImports(new, func(p *types.Package) { newPkgs[p.Path()] = p })
	var out []rename
	walkImports(old, func(p *types.Package) {
		np := newPkgs[p.Path()]
		if np == nil {
			return
		}
		for _, name := range p.Scope().Names() {
			tn, ok := p.Scope().Lookup(name).(*types.TypeName)
			if !ok || !tn.Exported() || !tn.IsAlias() {
				continue
			}
			target, ok := types.Unalias(tn.Type()).(*types.Named)
			if !ok || target.Obj().Pkg() == nil || !isInternal(target.Obj().Pkg().Path()) {
				continue
			}
			now, ok := np.Scope().Lookup(name).(*types.TypeName)
			if !ok || now.IsAlias() {
				continue
			}
			newNamed, ok := now.Type().(*types.Named)
			if !ok || !keepsAPI(target, newNamed) {
				continue
			}
			alias := p.Path() + "." + name
			if p.Path() == old.Path() {
				alias = name // apidiff leaves the compared package's names unqualified
			}
			qualified := target.Obj().Pkg().Path() + "." + target.Obj().Name()
			out = append(out, rename{internal: regexp.MustCompile(`(^|[^\w./-])` + regexp.QuoteMeta(qualified) + `\b`), alias: alias})
		}
	})
	return out
}

// renamedOnly reports whether apidiff's message says only that a type
// changed from an internal type to the type that replaced its alias.
func renamedOnly(msg string, renames []rename) bool {
	from, to, ok := strings.Cut(strings.TrimPrefix(msg, "changed from "), " to ")
	if !ok || !strings.HasPrefix(msg, "changed from ") || len(renames) == 0 {
		return false
	}
	for _, r := range renames {
		from = r.internal.ReplaceAllString(from, "${1}"+r.alias)
	}
	return from == to
}

// walkImports calls f for p and every package it imports, once each.
func walkImports(p *types.Package, f func(*types.Package)) {
	seen := map[*types.Package]bool{}
	var walk func(*types.Package)
	walk = func(p *types.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		f(p)
		for _, q := range p.Imports() {
			walk(q)
		}
	}
	walk(p)
}

// isInternal reports whether a package path has an internal element, so
// that code outside its module tree cannot name its types.
func isInternal(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/") || strings.HasPrefix(path, "internal/")
}

// keepsAPI reports whether new offers everything old did to code that
// can name neither's fields nor methods but the exported ones: the same
// kind of type, each exported field and method with the same type (by
// its text with full package paths), comparability, and, for a struct
// whose fields are all exported (which code outside can write as an
// unkeyed literal), the same fields.
func keepsAPI(old, new *types.Named) bool {
	full := func(p *types.Package) string { return p.Path() }
	text := func(t types.Type) string {
		s := types.TypeString(t, full)
		return strings.ReplaceAll(s, old.Obj().Pkg().Path()+"."+old.Obj().Name(), new.Obj().Pkg().Path()+"."+new.Obj().Name())
	}
	if types.Comparable(old) && !types.Comparable(new) {
		return false
	}
	oldStruct, oldIsStruct := old.Underlying().(*types.Struct)
	newStruct, newIsStruct := new.Underlying().(*types.Struct)
	if oldIsStruct != newIsStruct {
		return false
	}
	if !oldIsStruct {
		if text(old.Underlying()) != text(new.Underlying()) {
			return false
		}
	} else {
		allExported := true
		for i := 0; i < oldStruct.NumFields(); i++ {
			f := oldStruct.Field(i)
			if !f.Exported() {
				allExported = false
				continue
			}
			obj, _, _ := types.LookupFieldOrMethod(new, true, new.Obj().Pkg(), f.Name())
			nf, ok := obj.(*types.Var)
			if !ok || text(f.Type()) != text(nf.Type()) {
				return false
			}
		}
		if allExported && oldStruct.NumFields() != newStruct.NumFields() {
			return false
		}
	}
	oldMethods := types.NewMethodSet(types.NewPointer(old))
	for i := 0; i < oldMethods.Len(); i++ {
		m := oldMethods.At(i).Obj()
		if !m.Exported() {
			continue
		}
		obj, _, _ := types.LookupFieldOrMethod(new, true, new.Obj().Pkg(), m.Name())
		nm, ok := obj.(*types.Func)
		if !ok || text(m.Type().(*types.Signature).Results()) != text(nm.Type().(*types.Signature).Results()) ||
			text(m.Type().(*types.Signature).Params()) != text(nm.Type().(*types.Signature).Params()) {
			return false
		}
	}
	return true
}

// The other way round, a type of the API often moves to a package of its
// own and its old name stays as an alias (caddyconfig.Warning =
// warning.Warning in Caddy v2.11.9). Code that names the old type now
// gets the moved one, so it compiles as before as long as that type keeps
// what the old one offered; apidiff, which compares a type of another
// package by identity, reports every signature that mentions it as
// changed, with the same text on both sides ("changed from
// func(*[]Warning) to func(*[]Warning)").

// becameAliases returns, by name, old's exported types that new declares
// as aliases of types keeping their API (each with a pattern of its name
// as apidiff prints it).
func becameAliases(old, new *types.Package) map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	for _, name := range old.Scope().Names() {
		was, ok := old.Scope().Lookup(name).(*types.TypeName)
		if !ok || !was.Exported() || was.IsAlias() {
			continue
		}
		now, ok := new.Scope().Lookup(name).(*types.TypeName)
		if !ok || !now.IsAlias() {
			continue
		}
		oldNamed, ok1 := was.Type().(*types.Named)
		target, ok2 := types.Unalias(now.Type()).(*types.Named)
		if ok1 && ok2 && keepsAPI(oldNamed, target) {
			out[name] = regexp.MustCompile(`(^|[^\w./-])` + regexp.QuoteMeta(name) + `\b`)
		}
	}
	return out
}

// aliasedOnly reports whether apidiff's change of subject is only that a
// type became such an alias: the type itself now names the moved type, or
// a message reads the same on both sides and names the type.
func aliasedOnly(subject, msg string, aliased map[string]*regexp.Regexp) bool {
	from, to, ok := strings.Cut(strings.TrimPrefix(msg, "changed from "), " to ")
	if !ok || !strings.HasPrefix(msg, "changed from ") {
		return false
	}
	if aliased[subject] != nil && from == subject {
		return true
	}
	if from != to {
		return false
	}
	for _, re := range aliased {
		if re.MatchString(from) {
			return true
		}
	}
	return false
}
