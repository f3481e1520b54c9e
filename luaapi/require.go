package luaapi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

var moduleNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$`)

// require loads a module once and returns its value. Modules are searched
// in order: the standard library (`envrun.X`), the Envfile's folder, then
// each folder of ENVRUN_PATH. A module is a Lua file MOD.lua, or
// MOD/init.lua; dots in the name are folders.
func (l *loader) require(L *lua.LState) int {
	pos := l.pos()
	nameV, ok := L.Get(1).(lua.LString)
	if !ok {
		l.raise(pos, "require: expected a module name (a string), got %s", typeName(L.Get(1)))
	}
	name := string(nameV)
	if !moduleNameRE.MatchString(name) {
		l.raise(pos, "require %q: a module name is words separated by dots, like \"envrun.cluster\" or \"lib.web\"", name)
	}
	if v, ok := l.modules[name]; ok {
		L.Push(v)
		return 1
	}
	if l.loading[name] {
		l.raise(pos, "require %q: the module requires itself (through a loop of requires)", name)
	}
	chunk, src, tried := l.find(name)
	if chunk == "" {
		l.raise(pos, "module %q not found; looked in:\n\t%s", name, strings.Join(tried, "\n\t"))
	}
	fn, err := L.Load(strings.NewReader(string(src)), chunk)
	if err != nil {
		L.Error(lua.LString(convertError(err).Error()), 0)
	}
	l.loading[name] = true
	L.Push(fn)
	L.Push(nameV)
	L.Call(1, 1)
	delete(l.loading, name)
	v := L.Get(-1)
	L.Pop(1)
	if v == lua.LNil {
		v = lua.LTrue // as in Lua: a module that returns nothing is loaded
	}
	l.modules[name] = v
	L.Push(v)
	return 1
}

// find locates module name and returns its chunk name and source, or the
// places it looked.
func (l *loader) find(name string) (chunk string, src []byte, tried []string) {
	rel := strings.ReplaceAll(name, ".", "/")
	if sub, ok := strings.CutPrefix(name, "envrun."); ok {
		subRel := strings.ReplaceAll(sub, ".", "/")
		for _, p := range []string{subRel + ".lua", subRel + "/init.lua"} {
			data, err := fs.ReadFile(l.opts.Stdlib, p)
			if err == nil {
				chunk := "stdlib/" + p
				l.stdlib[chunk] = true
				return chunk, data, nil
			}
			tried = append(tried, "the standard library: "+p)
		}
		return "", nil, tried
	}
	dirs := append([]string{l.ef.Dir}, l.opts.Path...)
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		for _, p := range []string{rel + ".lua", path.Join(rel, "init.lua")} {
			file := filepath.Join(dir, filepath.FromSlash(p))
			data, err := os.ReadFile(file)
			if err == nil {
				abs, _ := filepath.Abs(file)
				l.ef.Sources = append(l.ef.Sources, abs)
				return l.chunkName(abs), data, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				tried = append(tried, fmt.Sprintf("%s (%v)", file, err))
				continue
			}
			tried = append(tried, file)
		}
	}
	return "", nil, tried
}
