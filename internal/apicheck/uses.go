package apicheck

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// pluginUse is what a plugin's packages use of the API packages whose
// module the composition selects at another version.
type pluginUse struct {
	plugin Plugin
	apis   map[string]*apiUse // by package path
}

// apiUse is what a plugin uses of one API package.
type apiUse struct {
	module, required string
	// old is the package at the plugin's version, as it type-checked.
	old *types.Package
	// uses maps each object used, by its name in apidiff's terms
	// ("Legacy", "Canvas.Draw", "Config.Timeout"), to its first use.
	uses map[string]position
	// impls are the plugin's values passed as the package's interfaces.
	impls []impl
}

// impl is a value of a concrete type that the plugin passes (as an
// argument, an assignment, a return value or a composite literal's
// element) where the API takes a named interface, which the type must
// therefore keep satisfying.
type impl struct {
	iface    string // the interface type's name in its package
	concrete types.Type
	pos      position
}

// position is a place in a plugin module: its file, relative to the
// module's root and slash-separated, and line.
type position struct {
	file string
	line int
}

func (p position) String() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

func (p position) before(q position) bool {
	if p.file != q.file {
		return p.file < q.file
	}
	return p.line < q.line
}

// collectUses records, in source order, what files use of the packages
// that api accepts.
func collectUses(u *pluginUse, files []*ast.File, info *types.Info, rel func(token.Pos) position, api func(pkgPath string) (*apiUse, bool)) {
	use := func(obj types.Object, key string, pos token.Pos) {
		if obj == nil || obj.Pkg() == nil || key == "" {
			return
		}
		if a, ok := api(obj.Pkg().Path()); ok {
			if _, seen := a.uses[key]; !seen {
				a.uses[key] = rel(pos)
			}
		}
	}
	// A type compared with == or used as a map key must stay comparable.
	compared := func(t types.Type, pos token.Pos) {
		if named, ok := types.Unalias(t).(*types.Named); ok { // not a pointer
			obj := named.Origin().Obj()
			use(obj, obj.Name()+comparedSuffix, pos)
		}
	}
	passed := func(target types.Type, e ast.Expr) {
		if target == nil || e == nil {
			return
		}
		named, ok := types.Unalias(target).(*types.Named)
		if !ok || named.Obj().Pkg() == nil || !types.IsInterface(named) {
			return
		}
		src := info.TypeOf(e)
		if b, ok := src.(*types.Basic); src == nil || types.IsInterface(src) || ok && b.Info()&types.IsUntyped != 0 {
			return // an interface value, or nil
		}
		if a, ok := api(named.Obj().Pkg().Path()); ok {
			name := named.Origin().Obj().Name()
			for _, im := range a.impls {
				if im.iface == name && types.Identical(im.concrete, src) {
					return
				}
			}
			a.impls = append(a.impls, impl{iface: name, concrete: src, pos: rel(e.Pos())})
		}
	}
	for _, f := range files {
		var funcs []*types.Signature // enclosing functions, innermost last
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				if top := stack[len(stack)-1]; isFunc(top) {
					funcs = funcs[:len(funcs)-1]
				}
				stack = stack[:len(stack)-1]
				return true
			}
			stack = append(stack, n)
			switch n := n.(type) {
			case *ast.FuncDecl:
				sig, _ := info.Defs[n.Name].Type().(*types.Signature)
				funcs = append(funcs, sig)
			case *ast.FuncLit:
				sig, _ := info.TypeOf(n).(*types.Signature)
				funcs = append(funcs, sig)
			case *ast.Ident:
				if obj := info.Uses[n]; obj != nil {
					use(obj, objectKey(obj), n.Pos())
				}
			case *ast.SelectorExpr:
				if sel := info.Selections[n]; sel != nil && sel.Kind() == types.FieldVal {
					use(sel.Obj(), fieldKey(sel.Recv(), sel.Index()), n.Sel.Pos())
				}
			case *ast.CallExpr:
				callArgs(info, n, passed)
			case *ast.AssignStmt:
				if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
					for i := range n.Lhs {
						passed(info.TypeOf(n.Lhs[i]), n.Rhs[i])
					}
				}
			case *ast.ValueSpec:
				if n.Type != nil && len(n.Values) == len(n.Names) {
					for _, v := range n.Values {
						passed(info.TypeOf(n.Type), v)
					}
				}
			case *ast.ReturnStmt:
				if len(funcs) > 0 && funcs[len(funcs)-1] != nil {
					res := funcs[len(funcs)-1].Results()
					for i, r := range n.Results {
						if len(n.Results) == res.Len() {
							passed(res.At(i).Type(), r)
						}
					}
				}
			case *ast.CompositeLit:
				compositeElems(info, n, use, passed)
			case *ast.BinaryExpr:
				if n.Op == token.EQL || n.Op == token.NEQ {
					compared(info.TypeOf(n.X), n.Pos())
				}
			case *ast.MapType:
				compared(info.TypeOf(n.Key), n.Pos())
			}
			return true
		})
	}
}

func isFunc(n ast.Node) bool {
	switch n.(type) {
	case *ast.FuncDecl, *ast.FuncLit:
		return true
	}
	return false
}

// callArgs reports each argument of a function call with the parameter
// type it is passed as.
func callArgs(info *types.Info, call *ast.CallExpr, passed func(types.Type, ast.Expr)) {
	if tv, ok := info.Types[call.Fun]; !ok || tv.IsType() {
		return // a conversion
	}
	sig, ok := info.TypeOf(call.Fun).Underlying().(*types.Signature)
	if !ok {
		return
	}
	params := sig.Params()
	for i, arg := range call.Args {
		switch {
		case sig.Variadic() && i >= params.Len()-1 && !call.Ellipsis.IsValid():
			if s, ok := params.At(params.Len() - 1).Type().(*types.Slice); ok {
				passed(s.Elem(), arg)
			}
		case i < params.Len():
			passed(params.At(i).Type(), arg)
		}
	}
}

// compositeElems reports the keyed fields a composite literal names, and
// each element with the type it is stored as.
func compositeElems(info *types.Info, lit *ast.CompositeLit, use func(types.Object, string, token.Pos), passed func(types.Type, ast.Expr)) {
	t := info.TypeOf(lit)
	if t == nil {
		return
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	switch u := t.Underlying().(type) {
	case *types.Struct:
		owner := ""
		if named, ok := types.Unalias(t).(*types.Named); ok {
			owner = named.Origin().Obj().Name()
		}
		for i, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					if f, ok := info.Uses[id].(*types.Var); ok {
						if owner != "" {
							use(f, owner+"."+f.Name(), id.Pos())
						}
						passed(f.Type(), kv.Value)
					}
				}
			} else if i < u.NumFields() {
				passed(u.Field(i).Type(), e)
			}
		}
	case *types.Slice, *types.Array, *types.Map:
		var key, elem types.Type
		switch u := u.(type) {
		case *types.Slice:
			elem = u.Elem()
		case *types.Array:
			elem = u.Elem()
		case *types.Map:
			key, elem = u.Key(), u.Elem()
		}
		for _, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				passed(key, kv.Key)
				e = kv.Value
			}
			passed(elem, e)
		}
	}
}

// comparedSuffix marks the use of a type as compared ("Config==").
const comparedSuffix = "=="

// objectKey names a package-level object or a method as apidiff's
// messages do, without a pointer receiver's "(*…)": "Legacy",
// "Canvas.Draw". Fields are named by fieldKey and compositeElems.
func objectKey(obj types.Object) string {
	switch o := obj.(type) {
	case *types.PkgName:
		return ""
	case *types.Func:
		o = o.Origin()
		if recv := o.Signature().Recv(); recv != nil {
			if named := namedOf(recv.Type()); named != nil {
				return named.Obj().Name() + "." + o.Name()
			}
			return ""
		}
		obj = o
	case *types.Var:
		if o.IsField() {
			return ""
		}
	}
	if obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope() {
		return obj.Name()
	}
	return ""
}

// fieldKey names a selected field by the named struct type that declares
// it: recv, then through the embedded fields of index.
func fieldKey(recv types.Type, index []int) string {
	t := recv
	for i, idx := range index {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || idx >= st.NumFields() {
			return ""
		}
		f := st.Field(idx)
		if i == len(index)-1 {
			if named := namedOf(t); named != nil {
				return named.Obj().Name() + "." + f.Name()
			}
			return ""
		}
		t = f.Type()
	}
	return ""
}

// namedOf returns the named type t is, or points to, uninstantiated.
func namedOf(t types.Type) *types.Named {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	if named, ok := t.(*types.Named); ok {
		return named.Origin()
	}
	return nil
}
