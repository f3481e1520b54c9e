package luaapi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
)

var moduleNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$`)

// root is a place modules are found in: the standard library, a folder of
// modules (the Envfile's, one of ENVRUN_PATH), or one fetched module.
type root struct {
	// prefix is the module name the root answers for: "envrun" for the
	// standard library, the module's name for a fetched module ("web" has
	// web/init.lua as "web" and web/x.lua as "web.x"), "" for a folder.
	prefix string
	dir    string // absolute folder; "" for the standard library
	what   string // for "looked in" messages
}

// candidates are the files, relative to the root, that may hold module
// name: MOD.lua or MOD/init.lua, dots in the name being folders.
func (r *root) candidates(name string) []string {
	rest := name
	if r.prefix != "" {
		if name == r.prefix {
			return []string{"init.lua"}
		}
		var ok bool
		if rest, ok = strings.CutPrefix(name, r.prefix+"."); !ok {
			return nil
		}
	}
	rel := strings.ReplaceAll(rest, ".", "/")
	return []string{rel + ".lua", rel + "/init.lua"}
}

// chunk is a loaded Lua file: where it was found and as what module, so
// that its relative requires stay inside its root.
type chunk struct {
	root *root
	name string // module name; "" for the Envfile
	init bool   // an init.lua: its name is a package of its own
	rel  string // slash path inside the root
	file string // absolute path; "" in the standard library
}

// pkg is the package the chunk's relative requires start from.
func (c *chunk) pkg() string {
	if c.init {
		return c.name
	}
	if i := strings.LastIndexByte(c.name, '.'); i >= 0 {
		return c.name[:i]
	}
	return ""
}

// require loads a module once and returns its value. `require "a.b"`
// searches, in order: the standard library (names envrun.X only), the
// Envfile's folder, the fetched module "a" (Envfile.lock), then each
// folder of ENVRUN_PATH. A module is a file a/b.lua or a/b/init.lua under
// a folder, or b.lua or b/init.lua in fetched module a.
//
// `require ".x"` is relative to the requiring file: x.lua or x/init.lua
// beside it (in its package), in the same root only; each more dot goes
// up one package. A module uses it to load its own files whatever name
// it was added under.
func (l *loader) require(L *lua.LState) int {
	pos := l.pos()
	nameV, ok := L.Get(1).(lua.LString)
	if !ok {
		l.raise(pos, "require: expected a module name (a string), got %s", typeName(L.Get(1)))
	}
	asked := string(nameV)
	var roots []*root
	name := asked
	if strings.HasPrefix(asked, ".") {
		from := l.caller()
		if from == nil {
			l.raise(pos, "require %q: a relative name needs a requiring file", asked)
		}
		var err error
		if name, err = relativeName(from, asked); err != nil {
			l.raise(pos, "require %q: %v", asked, err)
		}
		roots = []*root{from.root}
	} else if !moduleNameRE.MatchString(asked) {
		l.raise(pos, "require %q: a module name is words separated by dots, like \"envrun.cluster\" or \"lib.web\" (or \".sub\" for a file beside this one)", asked)
	}
	c, src, tried := l.find(name, roots, pos)
	if c == nil {
		hint := ""
		if roots == nil && !strings.HasPrefix(name, "envrun.") {
			hint = fmt.Sprintf("\n(a module from a git repository is added with `envrun module add %s SOURCE[@REF]`)", strings.SplitN(name, ".", 2)[0])
		}
		l.raise(pos, "module %q not found; looked in:\n\t%s%s", name, strings.Join(tried, "\n\t"), hint)
	}
	id := l.chunkID(c)
	if v, ok := l.modules[id]; ok {
		L.Push(v)
		return 1
	}
	if l.loading[id] {
		l.raise(pos, "require %q: the module requires itself (through a loop of requires)", asked)
	}
	fn, err := compile(L, src, id)
	if err != nil {
		L.Error(lua.LString(err.Error()), 0)
	}
	l.chunks[id] = c
	if c.file == "" {
		l.stdlib[id] = true
	} else {
		l.ef.Sources = append(l.ef.Sources, c.file)
	}
	l.loading[id] = true
	L.Push(fn)
	L.Push(lua.LString(name))
	L.Push(lua.LString(id))
	L.Call(2, 1)
	delete(l.loading, id)
	v := L.Get(-1)
	L.Pop(1)
	if v == lua.LNil {
		v = lua.LTrue // as in Lua: a module that returns nothing is loaded
	}
	l.modules[id] = v
	L.Push(v)
	return 1
}

// chunkID is a chunk's name in positions: "stdlib/x.lua" for the standard
// library, else its path (relative to the working folder when inside it).
func (l *loader) chunkID(c *chunk) string {
	if c.file == "" {
		return "stdlib/" + c.rel
	}
	return l.chunkName(c.file)
}

// relativeName resolves ".x" (or "..x", ...) from chunk c.
func relativeName(c *chunk, name string) (string, error) {
	rest := strings.TrimLeft(name, ".")
	if !moduleNameRE.MatchString(rest) {
		return "", errors.New(`a relative name is dots and then words separated by dots, like ".util" or "..common.net"`)
	}
	pkg := c.pkg()
	for range len(name) - len(rest) - 1 {
		if pkg == c.root.prefix {
			return "", fmt.Errorf("goes above %s", c.root.what)
		}
		if i := strings.LastIndexByte(pkg, '.'); i >= 0 {
			pkg = pkg[:i]
		} else {
			pkg = ""
		}
	}
	if pkg == "" {
		return rest, nil
	}
	return pkg + "." + rest, nil
}

// caller is the chunk of the innermost Lua function on the stack.
func (l *loader) caller() *chunk {
	for level := 0; ; level++ {
		dbg, ok := l.L.GetStack(level)
		if !ok {
			return nil
		}
		if _, err := l.L.GetInfo("S", dbg, lua.LNil); err != nil {
			continue
		}
		if c, ok := l.chunks[dbg.Source]; ok {
			return c
		}
	}
}

// roots are where an absolute module name is looked for, in order. The
// fetched module is only asked for (and verified) when the Envfile's folder
// lacks the name.
func (l *loader) searchRoots(name string) (first []*root, fetched func() (*root, error), rest []*root) {
	if name == "envrun" || strings.HasPrefix(name, "envrun.") {
		return []*root{l.stdRoot}, nil, nil
	}
	first = []*root{l.envRoot}
	if l.opts.Modules != nil {
		top := strings.SplitN(name, ".", 2)[0]
		fetched = func() (*root, error) {
			if r, ok := l.fetched[top]; ok {
				return r, nil
			}
			dir, err := l.opts.Modules.Dir(l.ctx, top)
			if err != nil {
				return nil, err
			}
			var r *root
			if dir != "" {
				r = &root{prefix: top, dir: dir, what: fmt.Sprintf("module %q (%s)", top, dir)}
			}
			l.fetched[top] = r
			return r, nil
		}
	}
	for _, dir := range l.opts.Path {
		if dir == "" {
			continue
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			abs = dir
		}
		rest = append(rest, &root{dir: abs, what: abs + " (ENVRUN_PATH)"})
	}
	return first, fetched, rest
}

// find locates module name in roots (nil: the search order of
// searchRoots) and returns its chunk and source, or the places it looked.
func (l *loader) find(name string, roots []*root, pos spec.Pos) (c *chunk, src []byte, tried []string) {
	var fetched func() (*root, error)
	var rest []*root
	if roots == nil {
		roots, fetched, rest = l.searchRoots(name)
	}
	look := func(r *root) bool {
		for _, p := range r.candidates(name) {
			var data []byte
			var err error
			var file string
			if r.dir == "" {
				data, err = fs.ReadFile(l.opts.Stdlib, p)
				tried = append(tried, "the standard library: "+p)
			} else {
				file = filepath.Join(r.dir, filepath.FromSlash(p))
				data, err = os.ReadFile(file)
				switch {
				case err == nil:
				case errors.Is(err, fs.ErrNotExist):
					tried = append(tried, file)
				default:
					tried = append(tried, fmt.Sprintf("%s (%v)", file, err))
				}
			}
			if err == nil {
				c = &chunk{root: r, name: name, init: p == "init.lua" || strings.HasSuffix(p, "/init.lua"), rel: p, file: file}
				src = data
				return true
			}
		}
		return false
	}
	for _, r := range roots {
		if look(r) {
			return c, src, nil
		}
	}
	if fetched != nil {
		r, err := fetched()
		if err != nil {
			l.raise(pos, "require %q: %v", name, err)
		}
		if r != nil && look(r) {
			return c, src, nil
		}
	}
	for _, r := range rest {
		if look(r) {
			return c, src, nil
		}
	}
	return nil, nil, tried
}

// envrunPath is envrun.path(rel): rel made absolute against the folder of
// the Lua file that calls it, so that a module reaches its own files
// (templates, scripts) wherever it was fetched to.
func (l *loader) envrunPath(L *lua.LState) int {
	rel := L.CheckString(1)
	c := l.caller()
	switch {
	case filepath.IsAbs(rel):
		L.Push(lua.LString(rel))
	case c == nil || c.file == "":
		l.raise(l.pos(), "envrun.path: the calling file has no folder")
	default:
		L.Push(lua.LString(filepath.Join(filepath.Dir(c.file), filepath.FromSlash(rel))))
	}
	return 1
}
