package luaapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"go.yaml.in/yaml/v3"
)

// Settings files: envrun.yaml and envrun.json decode a document to Lua
// values and encode Lua values to a document, with the Go libraries
// (go.yaml.in/yaml/v3, the YAML 1.2 parser the Go world maintains, and
// encoding/json). read(path [, default]) reads a file beside the Envfile
// and decodes it; the file is one of the Envfile's sources, watched by
// `envrun watch` even while it is missing when a default stands in for it.
//
// Errors name the document and the line in it:
//
//	Envfile.lua:3: envrun.yaml.read: settings.yaml:7: did not find expected key

// dataFormat is one of the two document formats.
type dataFormat struct {
	name   string // "yaml", "json"
	decode func(text []byte) (any, error)
	encode func(v any, indent string) (string, error)
}

var yamlFormat = &dataFormat{name: "yaml", decode: decodeYAML, encode: encodeYAML}
var jsonFormat = &dataFormat{name: "json", decode: decodeJSON, encode: encodeJSON}

// registerData adds envrun.yaml and envrun.json to the envrun table.
func (l *loader) registerData(t *lua.LTable) {
	for _, f := range []*dataFormat{yamlFormat, jsonFormat} {
		sub := l.L.NewTable()
		sub.RawSetString("decode", l.L.NewFunction(l.dataDecode(f)))
		sub.RawSetString("encode", l.L.NewFunction(l.dataEncode(f)))
		sub.RawSetString("read", l.L.NewFunction(l.dataRead(f)))
		t.RawSetString(f.name, sub)
	}
}

// dataDecode is envrun.FORMAT.decode(text [, name]): name is how errors
// call the document ("settings.yaml"); without it, "line N".
func (l *loader) dataDecode(f *dataFormat) lua.LGFunction {
	return func(L *lua.LState) int {
		text := L.CheckString(1)
		name := L.OptString(2, "")
		v, err := f.decode([]byte(text))
		if err != nil {
			l.raise(l.pos(), "envrun.%s.decode: %s", f.name, docError(name, err))
		}
		L.Push(toLua(L, v))
		return 1
	}
}

// dataRead is envrun.FORMAT.read(path [, default]).
func (l *loader) dataRead(f *dataFormat) lua.LGFunction {
	return func(L *lua.LState) int {
		p := l.abs(L.CheckString(1))
		data, ok := l.readSource(L, "envrun."+f.name+".read", p, L.GetTop() >= 2)
		if !ok {
			L.Push(L.Get(2))
			return 1
		}
		v, err := f.decode(data)
		if err != nil {
			l.raise(l.pos(), "envrun.%s.read: %s", f.name, docError(l.chunkName(p), err))
		}
		L.Push(toLua(L, v))
		return 1
	}
}

// dataEncode is envrun.FORMAT.encode(value [, indent]).
func (l *loader) dataEncode(f *dataFormat) lua.LGFunction {
	return func(L *lua.LState) int {
		v, err := toGo(L.CheckAny(1), 0)
		if err != nil {
			l.raise(l.pos(), "envrun.%s.encode: %v", f.name, err)
		}
		indent := L.OptString(2, "")
		if strings.Trim(indent, " \t") != "" {
			l.raise(l.pos(), "envrun.%s.encode: indent: expected spaces or tabs, got %q", f.name, indent)
		}
		out, err := f.encode(wholeNumbers(v), indent)
		if err != nil {
			l.raise(l.pos(), "envrun.%s.encode: %v", f.name, err)
		}
		L.Push(lua.LString(out))
		return 1
	}
}

// readSource reads a file for the Envfile and records it as a source.
// With optional, a missing file gives ok false (and is still a source:
// creating it later is a change `envrun watch` sees).
func (l *loader) readSource(L *lua.LState, what, p string, optional bool) (data []byte, ok bool) {
	if err := l.readable(p); err != nil {
		l.raise(l.pos(), "%s: %v", what, err)
	}
	data, err := os.ReadFile(p)
	if !slices.Contains(l.ef.Sources, p) && (err == nil || (optional && errors.Is(err, fs.ErrNotExist))) {
		l.ef.Sources = append(l.ef.Sources, p)
	}
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil, false
		}
		l.raise(l.pos(), "%s: %v", what, err)
	}
	return data, true
}

// docLine is an error of a document at a line (1-based).
type docLine struct {
	line int
	msg  string
}

func (e *docLine) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// docError says where in the document called name err is.
func docError(name string, err error) string {
	var dl *docLine
	if errors.As(err, &dl) {
		if name != "" {
			return fmt.Sprintf("%s:%d: %s", name, dl.line, dl.msg)
		}
		return dl.Error()
	}
	if name != "" {
		return name + ": " + err.Error()
	}
	return err.Error()
}

// yamlLineRE finds the line in go.yaml.in/yaml's messages
// ("yaml: line 3: did not find expected key").
var yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)

// yamlParserProblems are the messages of yaml's parser, whose lines are
// one short (v3.0.6: parser.fail counts them from 0 for these, from 1
// for the scanner's).
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	msg = strings.TrimSpace(strings.SplitN(msg, "\n", 2)[0])
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		if yamlParserProblems[m[2]] {
			// The parser (not the scanner) counts lines from 0; its line
			// is the start of the collection left open, or the problem.
			n++
		}
		return &docLine{line: n, msg: m[2]}
	}
	return errors.New(msg)
}

// decodeYAML reads one YAML document; a second one is an error.
func decodeYAML(text []byte) (any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil // an empty document
		}
		return nil, yamlError(err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		if err != nil {
			return nil, yamlError(err)
		}
		return nil, &docLine{line: more.Line, msg: "a second document (---): one document is read"}
	}
	var v any
	if err := doc.Decode(&v); err != nil {
		return nil, yamlError(err)
	}
	return v, nil
}

func encodeYAML(v any, indent string) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	n := len(indent)
	if n < 2 {
		n = 2
	}
	enc.SetIndent(n)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// decodeJSON reads one JSON value; anything but space after it is an
// error.
func decodeJSON(text []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	var v any
	if err := dec.Decode(&v); err != nil {
		if err == io.EOF {
			return nil, &docLine{line: 1, msg: "no JSON value (an empty document)"}
		}
		return nil, jsonError(text, err, dec.InputOffset())
	}
	if tok, err := dec.Token(); err != io.EOF {
		off := dec.InputOffset()
		if err != nil {
			return nil, jsonError(text, err, off)
		}
		return nil, &docLine{line: lineAt(text, off), msg: fmt.Sprintf("unexpected %v after the document's value", tok)}
	}
	return v, nil
}

func jsonError(text []byte, err error, off int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of the document"
		off = int64(len(text))
	}
	return &docLine{line: lineAt(text, off), msg: msg}
}

// lineAt is the line of the byte at off.
func lineAt(text []byte, off int64) int {
	off = min(max(off, 0), int64(len(text)))
	return 1 + bytes.Count(text[:off], []byte("\n"))
}

func encodeJSON(v any, indent string) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return "", errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// toLua converts decoded data to Lua values: null is nil (a list with
// nulls has holes there), a timestamp is its RFC 3339 text.
func toLua(L *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case string:
		return lua.LString(v)
	case bool:
		return lua.LBool(v)
	case int:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case uint64:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case time.Time:
		return lua.LString(v.Format(time.RFC3339Nano))
	case []byte:
		return lua.LString(v)
	case []any:
		t := L.CreateTable(len(v), 0)
		for i, e := range v {
			if lv := toLua(L, e); lv != lua.LNil {
				t.RawSetInt(i+1, lv)
			}
		}
		return t
	case map[string]any:
		t := L.CreateTable(0, len(v))
		for k, e := range v {
			if lv := toLua(L, e); lv != lua.LNil {
				t.RawSetString(k, lv)
			}
		}
		return t
	case map[any]any:
		t := L.CreateTable(0, len(v))
		for k, e := range v {
			lk := toLua(L, k)
			if n, ok := lk.(lua.LNumber); ok && math.IsNaN(float64(n)) {
				continue // not a Lua key
			}
			if _, ok := lk.(*lua.LTable); ok || lk == lua.LNil {
				lk = lua.LString(fmt.Sprint(k))
			}
			if lv := toLua(L, e); lv != lua.LNil {
				t.RawSet(lk, lv)
			}
		}
		return t
	}
	return lua.LString(fmt.Sprint(v))
}
