package luaapi

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestSettingsFiles: a settings YAML and JSON beside the Envfile size the
// machines, both are sources of the load, a missing optional one is a
// source too, and encode gives documents decode reads back.
func TestSettingsFiles(t *testing.T) {
	var out bytes.Buffer
	env, err := load(t, map[string]string{
		"Envfile.lua": `
local s = envrun.yaml.read("settings.yaml")
local extra = envrun.json.read("extra.json")
local local_ = envrun.yaml.read("local.yaml", { workers = 0 })
box "debian/bookworm"
for i = 1, s.workers + local_.workers do
  machine ("w" .. i) { memory = s.memory, groups = extra.groups }
end
print(envrun.json.encode(envrun.json.decode(envrun.json.encode(s))))
print(envrun.yaml.encode({ b = { 1, 2 }, a = "x" }))
print(envrun.json.encode({ 1, 2.5, "<&>" }, "  "))
print(envrun.read("motd.txt", "none"))
`,
		"settings.yaml": "workers: 2\nmemory: 512\nnodes:\n  - {name: a, ip: 10.0.0.1}\n",
		"extra.json":    `{"groups": ["app", "web"]}`,
	}, Options{Print: &out})
	if err != nil {
		t.Fatal(err)
	}
	if got := env.Spec.MachineNames(); !slices.Equal(got, []string{"w1", "w2"}) {
		t.Errorf("machines %v", got)
	}
	if m := env.Spec.Machines[0]; m.Memory != 512 || !slices.Equal(m.Groups, []string{"app", "web"}) {
		t.Errorf("w1: memory %d, groups %v", m.Memory, m.Groups)
	}
	want := `{"memory":512,"nodes":[{"ip":"10.0.0.1","name":"a"}],"workers":2}
a: x
b:
  - 1
  - 2

[
  1,
  2.5,
  "<&>"
]
none
`
	if out.String() != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out.String(), want)
	}
	dir := filepath.Dir(env.Spec.Path)
	for _, name := range []string{"settings.yaml", "extra.json", "local.yaml", "motd.txt"} {
		if !slices.Contains(env.Spec.Sources, filepath.Join(dir, name)) {
			t.Errorf("%s is not among the sources %v", name, env.Spec.Sources)
		}
	}
}

// TestSettingsErrors: a bad document names the Envfile's line, the
// document and the line in it.
func TestSettingsErrors(t *testing.T) {
	for _, c := range []struct{ src, files, want string }{
		{`envrun.yaml.read("s.yaml")`, "workers: 2\nnodes: [a,\nmemory: 1\n", `Envfile.lua:1: envrun.yaml.read: s.yaml:2: did not find expected ',' or ']'`},
		{`envrun.json.read("s.json")`, "{\n  \"a\": 1,\n  \"b\": \n}", `Envfile.lua:1: envrun.json.read: s.json:4: invalid character '}' looking for beginning of value`},
		{`envrun.json.read("s.json")`, "{\"a\": 1", `Envfile.lua:1: envrun.json.read: s.json:1: unexpected end of the document`},
		{"\nenvrun.yaml.decode('a: 1\\na: 2', 'inline')", "", `Envfile.lua:2: envrun.yaml.decode: inline:2: mapping key "a" already defined at line 1`},
		{`envrun.yaml.decode("a: 1\n---\nb: 2\n")`, "", `envrun.yaml.decode: line 2: a second document (---): one document is read`},
		{`envrun.json.decode("[1] [2]")`, "", `Envfile.lua:1: envrun.json.decode: line 1: unexpected [ after the document's value`},
		{`envrun.yaml.read("missing.yaml")`, "", `envrun.yaml.read: open `},
		{`envrun.json.encode({ a = 0/0 })`, "", `Envfile.lua:1: envrun.json.encode: unsupported value: NaN`},
		{`envrun.json.encode({ 1, a = 2 })`, "", `Envfile.lua:1: envrun.json.encode: a table mixes list items and keys (key 1)`},
		{`envrun.yaml.read("/etc/hostname")`, "", `is outside the Envfile's folder`},
	} {
		files := map[string]string{"Envfile.lua": c.src}
		if c.files != "" {
			files["s.yaml"], files["s.json"] = c.files, c.files
		}
		_, err := load(t, files, Options{Print: &bytes.Buffer{}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.src, err, c.want)
		}
	}
}

// FuzzDecodeYAML: any text decodes or gives a positioned error, never a
// panic; what decodes and encodes decodes back to the same value.
func FuzzDecodeYAML(f *testing.F) {
	for _, s := range []string{"a: 1\nb: [1, 2, {c: d}]\n", "- &x {a: 1}\n- *x\n", "? [1]\n: 2\n", "'a': !!binary aGk=\n", "a: 2001-12-14\n", "---\n...\n", "{"} {
		f.Add(s)
	}
	fuzzDecode(f, yamlFormat)
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.5, null, true, "x"]}`, `[]`, `"\u00e9"`, `{"a":`, `1e400`, `[1] 2`} {
		f.Add(s)
	}
	fuzzDecode(f, jsonFormat)
}

func fuzzDecode(f *testing.F, format *dataFormat) {
	f.Fuzz(func(t *testing.T, text string) {
		v, err := format.decode([]byte(text))
		if err != nil {
			if msg := docError("doc", err); !strings.HasPrefix(msg, "doc") {
				t.Errorf("error %q does not name the document", msg)
			}
			return
		}
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		plain, err := toGo(toLua(L, v), 0)
		if err != nil {
			return // nulls in lists, nesting deeper than a table converts
		}
		plain = wholeNumbers(plain)
		doc, err := format.encode(plain, "")
		if err != nil {
			return // NaN, infinities
		}
		back, err := format.decode([]byte(doc))
		if err != nil {
			t.Fatalf("encode gave a document decode refuses: %v\n%s", err, doc)
		}
		again, err := toGo(toLua(L, back), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(wholeNumbers(again), plain) {
			t.Errorf("round trip changed the value:\n%#v\n%#v\ndocument:\n%s", plain, again, doc)
		}
	})
}

// TestYAMLErrorLines: the line an error names is where the problem is, or
// where the collection left open starts (the parser's lines are counted
// from 0 by the library, the scanner's from 1).
func TestYAMLErrorLines(t *testing.T) {
	for text, want := range map[string]string{
		"w: 2\nnodes: [a,\nmemory: 1\n": "line 2: did not find expected ',' or ']'",
		"w: 2\nx: 1\n- y\n":             "line 3: did not find expected key",
		"a:\n  b: 1\n c: 2\n":           "line 3: did not find expected key",
		"w: 2\nx: 1\n y: 2\n":           "line 3: mapping values are not allowed in this context",
		"w: 2\n\tx: 1\n":                "line 2: found a tab character that violates indentation",
		"a: 1\nb: @x\n":                 "line 2: found character that cannot start any token",
		"a: 1\nb: *nope\n":              "unknown anchor 'nope' referenced",
	} {
		_, err := decodeYAML([]byte(text))
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %s", text, err, want)
		}
	}
}

// TestSettingsExample loads examples/settings with and without its
// optional settings.local.yaml.
func TestSettingsExample(t *testing.T) {
	files := map[string]string{}
	for _, name := range []string{"Envfile.lua", "settings.yaml"} {
		data, err := os.ReadFile(filepath.Join("../examples/settings", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(data)
	}
	ef := mustLoad(t, files)
	if want := min(2, runtime.NumCPU()) + 1; len(ef.Machines) != want {
		t.Errorf("%d machines, want %d", len(ef.Machines), want)
	}
	files["settings.local.yaml"] = "workers: { count: 1 }\n"
	ef = mustLoad(t, files)
	if got := ef.MachineNames(); !slices.Equal(got, []string{"controlplane", "worker1"}) {
		t.Errorf("with settings.local.yaml: machines %v", got)
	}
}
