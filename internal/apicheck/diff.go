package apicheck

import (
	"go/types"
	"strings"

	"golang.org/x/exp/apidiff"
)

// change is one incompatible change apidiff reports: its subject, named
// as objectKey names objects ("Canvas.Draw"), and what happened.
type change struct {
	subject, msg string
}

// incompatibleChanges returns apidiff's incompatible changes between two
// versions of a package.
func incompatibleChanges(old, new *types.Package) []change {
	var out []change
	renames := internalRenames(old, new)
	aliased := becameAliases(old, new)
	for _, c := range apidiff.Changes(old, new).Changes {
		if c.Compatible {
			continue
		}
		subject, msg, ok := strings.Cut(c.Message, ": ")
		if !ok {
			continue
		}
		// "(*T).M, method set of U" is T.M; objects of other packages
		// ("./sub.T", "example.com/x.T") are reported where they are used.
		subject, _, _ = strings.Cut(subject, ", ")
		subject = strings.NewReplacer("(*", "", ")", "").Replace(subject)
		if strings.Contains(subject, "/") || renamedOnly(msg, renames) || aliasedOnly(subject, msg, aliased) {
			continue
		}
		out = append(out, change{subject: subject, msg: msg})
	}
	return out
}

// findings matches the incompatible changes of every API package the
// plugin uses against its uses. cache keeps the changes between two
// versions of a package, which plugins share.
func (u *pluginUse) findings(o Options, selected map[string]*types.Package, cache map[string][]change) []Finding {
	var out []Finding
	for path, a := range u.apis {
		sel := o.Selected[a.module]
		newPkg := selected[path]
		if newPkg == nil {
			continue
		}
		base := Finding{Plugin: u.plugin.Module, Module: a.module, Required: a.required, Selected: sel}
		key := path + "@" + a.required + "→" + sel
		changes, ok := cache[key]
		if !ok {
			changes = incompatibleChanges(a.old, newPkg)
			cache[key] = changes
			if o.Compared != nil {
				o.Compared(path, a.required, sel)
			}
		}
		for _, ch := range changes {
			subject := ch.subject
			if ch.msg == notComparable {
				subject += comparedSuffix // only a comparison breaks
			}
			if pos, ok := firstUse(a, subject); ok {
				f := base
				f.Use, f.Pos = a.old.Name()+"."+ch.subject, pos.String()
				f.Change, f.Detail = describe(ch.msg)
				out = append(out, f)
			}
			out = append(out, implFindings(base, a, newPkg, ch)...)
		}
	}
	return out
}

// notComparable is apidiff's message for a type that can no longer be
// compared with == (or be a map key).
const notComparable = "old is comparable, new is not"

// firstUse returns the first use of subject or of anything inside it
// (a method or field of a type).
func firstUse(a *apiUse, subject string) (position, bool) {
	var first position
	found := false
	for key, pos := range a.uses {
		if key == subject || strings.HasPrefix(key, subject+".") {
			if !found || pos.before(first) {
				first, found = pos, true
			}
		}
	}
	return first, found
}

// describe turns apidiff's message into what changed and how.
func describe(msg string) (what, detail string) {
	if from, to, ok := strings.Cut(strings.TrimPrefix(msg, "changed from "), " to "); ok && strings.HasPrefix(msg, "changed from func") {
		return "signature changed", ": " + from + " → " + to
	}
	return msg, ""
}

// implFindings reports a change to a method of an interface that the
// plugin passes its own values as, when the value's type no longer
// satisfies the selected version of the interface.
func implFindings(base Finding, a *apiUse, newPkg *types.Package, ch change) []Finding {
	var out []Finding
	for _, im := range a.impls {
		method, ok := strings.CutPrefix(ch.subject, im.iface+".")
		if !ok || strings.Contains(method, ".") || ch.msg == "removed" {
			continue
		}
		want := interfaceMethod(newPkg, im.iface, method)
		if want == nil {
			continue
		}
		qualify := func(p *types.Package) string { return p.Name() }
		typeName := types.TypeString(im.concrete, qualify)
		f := base
		f.Implements = true
		f.Use, f.Pos = typeName+" as "+a.old.Name()+"."+im.iface, im.pos.String()
		sel := types.NewMethodSet(im.concrete).Lookup(want.Pkg(), method)
		switch {
		case sel == nil:
			f.Change, f.Detail = "method "+method+" "+ch.msg, ", which "+typeName+" does not have"
		case sameSignature(sel.Obj().Type(), want.Type()):
			continue // the type already has the method the new version wants
		default:
			f.Change = "method " + method + " " + ch.msg
			f.Detail = ", and " + typeName + "." + method + " is " + types.TypeString(sel.Obj().Type(), qualify)
		}
		out = append(out, f)
	}
	return out
}

// interfaceMethod returns the method of pkg's named interface iface.
func interfaceMethod(pkg *types.Package, iface, method string) *types.Func {
	tn, ok := pkg.Scope().Lookup(iface).(*types.TypeName)
	if !ok {
		return nil
	}
	it, ok := tn.Type().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	for i := 0; i < it.NumMethods(); i++ {
		if m := it.Method(i); m.Name() == method {
			return m
		}
	}
	return nil
}

// sameSignature compares signatures from two type-checks (the plugin's
// and the selected version's), which share no type objects: by their
// text with full package paths.
func sameSignature(a, b types.Type) bool {
	full := func(p *types.Package) string { return p.Path() }
	return types.TypeString(a, full) == types.TypeString(b, full)
}
