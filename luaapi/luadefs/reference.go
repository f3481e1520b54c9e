package luadefs

import (
	"fmt"
	"strings"

	"github.com/envrun/envrun/engine/spec"
)

// Reference is the reference of builtins and keys (docs/reference.md),
// made from schema s.
func Reference(s *spec.Schema) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# Envfile reference: builtins and keys")
	p("")
	p("<!-- Generated from envrun's schema (engine/spec/schema.go) by `go generate ./luaapi/luadefs`; do not edit. -->")
	p("")
	p("Every builtin of `Envfile.lua` and every key of its tables, with its type,")
	p("default, range and an example. The loader checks keys and types against this")
	p("same schema, so what is here is what envrun accepts. `envrun lua-defs` writes")
	p("it for your editor too (see [editors](editors.md)).")
	p("")
	p("## Builtins")
	p("")
	for _, bi := range s.Builtins {
		refBuiltin(p, bi, bi.Name)
	}
	for _, g := range s.Globals {
		p("## The `%s` table", g.Name)
		p("")
		p("%s", g.Doc)
		p("")
		for _, f := range g.Fields {
			p("- `%s.%s` (%s): %s", g.Name, f.Name, f.Type, f.Doc)
		}
		p("")
		for _, f := range g.Funcs {
			refBuiltin(p, f, g.Name+"."+f.Name)
		}
	}
	p("## Tables")
	p("")
	for _, t := range s.Tables {
		p("### %s", t.Name)
		p("")
		p("%s", t.Doc)
		if len(t.Exclusive) > 0 {
			for _, g := range t.Exclusive {
				p("Give exactly one of `%s`.", strings.Join(g, "`, `"))
			}
		}
		p("")
		if t.Object {
			p("| field | type | meaning |")
			p("|---|---|---|")
			for _, k := range t.Keys {
				p("| `%s` | %s | %s |", k.Name, cell(k.Type.String()), cell(k.Doc))
			}
		} else {
			p("| key | type | default | range | meaning | example |")
			p("|---|---|---|---|---|---|")
			for _, k := range t.Keys {
				def := k.DefaultText()
				if k.Required {
					def = "required"
				}
				rng := k.Range.String()
				if rng != "" && k.Unit != "" {
					rng += " " + k.Unit
				}
				p("| `%s` | %s | %s | %s | %s | `%s` |", k.Name, cell(k.Type.String()), cell(def), cell(rng), cell(k.Doc), cell(k.Example))
			}
		}
		p("")
		call := t.Call
		if call == "" {
			call = "m:"
		}
		for _, m := range t.Methods {
			refBuiltin(p, m, call+m.Name)
		}
	}
	return b.String()
}

func refBuiltin(p func(string, ...any), b spec.Builtin, name string) {
	var params []string
	for _, a := range b.Params {
		s := a.Name
		if a.Optional {
			s += "?"
		}
		params = append(params, s)
	}
	sig := fmt.Sprintf("%s(%s)", name, strings.Join(params, ", "))
	if b.Form != "" {
		sig = b.Form
	}
	p("### `%s`", sig)
	p("")
	p("%s", b.Doc)
	p("")
	for _, a := range b.Params {
		doc := a.Doc
		if doc != "" {
			doc = ": " + doc
		}
		p("- `%s` (%s)%s", a.Name, a.Type, doc)
	}
	for _, r := range b.Returns {
		p("- returns `%s` (%s)", r.Name, r.Type)
	}
	if len(b.Params)+len(b.Returns) > 0 {
		p("")
	}
	if b.Example != "" {
		p("```lua\n%s\n```", b.Example)
		p("")
	}
}

// cell escapes a table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
