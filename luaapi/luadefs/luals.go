package luadefs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/envrun/envrun/engine/spec"
)

// Definitions is a LuaLS definition file (---@meta) of schema s: a class
// per table with its fields, an alias per enum, and every builtin with its
// parameters and results.
func Definitions(s *spec.Schema) string {
	w := &defsWriter{}
	w.line("---@meta envrun")
	w.line("-- %s from envrun's schema: the builtins of Envfile.lua for Lua's", Marker)
	w.line("-- language server. It rewrites this file; remove these lines to keep your edits.")
	w.line("")
	w.line("---A step value: shell {...}, file {...}, or what envrun.defer returns.")
	w.line("---@class envrun.Step")
	w.line("")
	for _, t := range s.Tables {
		w.table(t)
	}
	for _, b := range s.Builtins {
		w.builtin(b, b.Name, "")
	}
	for _, g := range s.Globals {
		w.doc(g.Doc)
		cls := className(g.Name)
		w.line("---@class %s", cls)
		for _, f := range g.Fields {
			w.line("---@field %s %s %s", f.Name, w.luaType(f.Type, ""), f.Doc)
		}
		w.line("%s = {}", g.Name)
		w.line("")
		for _, f := range g.Funcs {
			w.builtin(f, g.Name+"."+f.Name, "")
		}
	}
	return w.String()
}

type defsWriter struct{ strings.Builder }

func (w *defsWriter) line(format string, args ...any) {
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

func (w *defsWriter) doc(text string) {
	for _, l := range strings.Split(text, "\n") {
		w.line("---%s", l)
	}
}

// className is envrun.Machine for "machine", envrun.HookMachine for
// "hook_machine".
func className(table string) string {
	parts := strings.Split(table, "_")
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return "envrun." + strings.Join(parts, "")
}

// aliasName is the alias of an enum key.
func aliasName(table, key string) string { return className(table) + "." + key }

// table writes the aliases of t's enums, then its class.
func (w *defsWriter) table(t *spec.Table) {
	for _, k := range t.Keys {
		if k.Type.Kind == spec.KindEnum {
			w.line("---@alias %s %s", aliasName(t.Name, k.Name), enumUnion(k.Type.Enum))
		}
	}
	w.doc(t.Doc)
	cls := className(t.Name)
	w.line("---@class %s", cls)
	for _, k := range t.Keys {
		opt := "?"
		if k.Required || t.Object {
			opt = ""
		}
		w.line("---@field %s%s %s %s", k.Name, opt, w.luaType(k.Type, aliasName(t.Name, k.Name)), fieldDoc(&k))
	}
	if len(t.Methods) > 0 {
		local := strings.TrimPrefix(cls, "envrun.")
		w.line("local %s = {}", local)
		w.line("")
		sep := ":"
		if strings.HasSuffix(t.Call, ".") {
			sep = "."
		}
		for _, m := range t.Methods {
			w.builtin(m, local+sep+m.Name, cls)
		}
		return
	}
	w.line("")
}

// fieldDoc is a key's description with its default, range and example.
func fieldDoc(k *spec.Key) string {
	parts := []string{k.Doc + "."}
	if k.Required {
		parts = append(parts, "Required.")
	}
	if d := k.DefaultText(); d != "" {
		parts = append(parts, "Default: "+d+".")
	}
	if r := k.Range.String(); r != "" {
		parts = append(parts, "Range: "+r+unit(k)+".")
	}
	if k.Example != "" {
		parts = append(parts, "Example: `"+k.Example+"`")
	}
	return strings.Join(parts, " ")
}

func unit(k *spec.Key) string {
	if k.Unit == "" {
		return ""
	}
	return " " + k.Unit
}

func enumUnion(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, "|")
}

// builtin writes a function: its doc, example, parameters and results. A
// builtin written `kind "NAME" { ... }` takes its name and returns a
// function of the settings, or takes both at once.
func (w *defsWriter) builtin(b spec.Builtin, name, self string) {
	w.doc(b.Doc)
	if b.Example != "" {
		w.line("---")
		w.line("---```lua")
		w.line("---%s", b.Example)
		w.line("---```")
	}
	params := b.Params
	curried := strings.Contains(b.Form, `"NAME" {`) && len(params) == 2
	if curried {
		params = params[:1]
	}
	var names []string
	for _, p := range params {
		opt := ""
		if p.Optional {
			opt = "?"
		}
		w.line("---@param %s%s %s %s", p.Name, opt, w.luaType(p.Type, ""), p.Doc)
		names = append(names, p.Name)
	}
	results := make([]string, len(b.Returns))
	for i, r := range b.Returns {
		results[i] = w.luaType(r.Type, "")
		if r.Optional {
			results[i] += "?"
		}
	}
	if curried {
		settings := w.luaType(b.Params[1].Type, "")
		w.line("---@return fun(settings: %s): %s", settings, strings.Join(results, ", "))
		w.line("---@overload fun(name: string, settings: %s): %s", settings, strings.Join(results, ", "))
	} else {
		for _, r := range b.Returns {
			opt := ""
			if r.Optional {
				opt = "?"
			}
			w.line("---@return %s%s %s", w.luaType(r.Type, ""), opt, r.Name)
		}
	}
	w.line("function %s(%s) end", name, strings.Join(names, ", "))
	w.line("")
}

// luaType is t in LuaLS's type syntax; alias names an enum's alias.
func (w *defsWriter) luaType(t spec.Type, alias string) string {
	switch t.Kind {
	case spec.KindString, spec.KindPath, spec.KindIP, spec.KindCIDR, spec.KindPort:
		return "string"
	case spec.KindInt:
		return "integer"
	case spec.KindBool:
		return "boolean"
	case spec.KindDuration:
		return "string|number"
	case spec.KindEnum:
		if alias != "" {
			return alias
		}
		return enumUnion(t.Enum)
	case spec.KindList:
		e := w.luaType(*t.Elem, "")
		if strings.Contains(e, "|") {
			e = "(" + e + ")"
		}
		return e + "[]"
	case spec.KindMap:
		return "table<string, " + w.luaType(*t.Elem, "") + ">"
	case spec.KindTable:
		return className(t.Table)
	case spec.KindSteps:
		return "(envrun.Step|fun(m: envrun.HookMachine))[]"
	case spec.KindFunc:
		return "function"
	case spec.KindStep:
		return "envrun.Step"
	case spec.KindUnion:
		parts := make([]string, len(t.Of))
		for i, o := range t.Of {
			parts[i] = w.luaType(o, "")
		}
		return strings.Join(parts, "|")
	}
	return "any"
}
