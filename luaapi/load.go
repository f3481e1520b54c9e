// Package luaapi is envrun's Lua front end: it runs an Envfile.lua (and the
// modules it requires) in a gopher-lua state with envrun's builtins, and
// produces the plain-data spec the engine consumes.
package luaapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/stdlib"
)

// Options tune loading.
type Options struct {
	// Path lists extra module folders (ENVRUN_PATH), searched last.
	Path []string
	// Stdlib is the standard library; nil means the embedded one.
	Stdlib fs.FS
	// Print receives Lua's print output; nil means stderr (stdout carries
	// results such as `envrun graph`).
	Print io.Writer
	// Modules finds modules fetched from git (Envfile.lock), searched
	// after the Envfile's folder and before Path; nil means none.
	Modules Modules
	// LockFile is the Envfile.lock that Modules reads, if any: it decides
	// which module files load, so it is one of the Envfile's sources (a
	// change of it, envrun module update, is a change for watch).
	LockFile string

	// Provider is the provider named on the command line (--provider),
	// or "": envrun.provider gives it.
	Provider string
	// FallbackProvider finds the provider when neither the command line,
	// ENVRUN_PROVIDER nor the Envfile names one (the environment's own,
	// then the first available), as engine.New does; it is called only
	// when a script reads envrun.provider. nil: envrun.provider is nil
	// then.
	FallbackProvider func() string

	// testing adds builtins for the Lua-side tests of the stdlib.
	testing func(l *loader)
}

// Modules finds fetched modules; *modules.Project is one.
type Modules interface {
	// Dir returns the folder of the module called name, its content
	// verified, or "" when there is no such module.
	Dir(ctx context.Context, name string) (string, error)
}

// PathFromEnv splits ENVRUN_PATH.
func PathFromEnv() []string {
	return filepath.SplitList(os.Getenv("ENVRUN_PATH"))
}

// Env is a loaded Envfile: its spec, and the Lua state that its hooks still
// need. Close it when done.
type Env struct {
	Spec *spec.Envfile

	mu sync.Mutex // serialises every use of L
	L  *lua.LState

	hookMethods *lua.LFunction // makes m:run and m:upload; see hook.go
	// active is the runner of the hook each running coroutine runs, for
	// envrun.machine; guarded by mu, as every use of L.
	active map[*lua.LState]spec.Runner

	// Getenv holds each environment variable the load read (os.getenv):
	// its value, nil when unset. With Spec.Sources it is all the load
	// depended on, unless Clock.
	Getenv map[string]*string
	// Clock is whether the load read the clock (os.time, os.date,
	// os.clock): loading again may give another result.
	Clock bool
	// ProviderRead is what envrun.provider told the script, if it read
	// it: the provider chosen after the load must be that one.
	ProviderRead ProviderRead
}

// Close releases the Lua state.
func (e *Env) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.L.Close()
}

// Load runs the Envfile at path. Errors in the Lua code, and declarations
// that are wrong on their own (an unknown key, a wrong type), are returned
// as *spec.Error with the file and line. Checks that need the whole
// Envfile (duplicates, addresses, cycles) are left to spec.Validate.
func Load(ctx context.Context, path string, opts Options) (*Env, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	if opts.Stdlib == nil {
		opts.Stdlib = stdlib.FS
	}
	if opts.Print == nil {
		opts.Print = os.Stderr
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	env := &Env{L: L, Spec: &spec.Envfile{Path: abs, Dir: filepath.Dir(abs)}}
	l := &loader{
		L:       L,
		ctx:     ctx,
		env:     env,
		ef:      env.Spec,
		opts:    opts,
		modules: map[string]lua.LValue{},
		loading: map[string]bool{},
		stdlib:  map[string]bool{},
		chunks:  map[string]*chunk{},
		fetched: map[string]*root{},
		stdRoot: &root{prefix: "envrun", what: "the standard library"},
		envRoot: &root{dir: env.Spec.Dir, what: "the Envfile's folder " + env.Spec.Dir},
	}
	l.cwd, _ = os.Getwd()
	l.chunks[l.chunkName(abs)] = &chunk{root: l.envRoot, init: true, file: abs}
	l.openLibs()
	l.register()
	if opts.testing != nil {
		opts.testing(l)
	}
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	L.SetContext(runCtx)
	done := make(chan error, 1)
	go func() {
		err := l.runFile(abs, src)
		if err == nil {
			err = l.finish()
		}
		done <- err
	}()
	if err := l.wait(runCtx, stop, done, l.chunkName(abs)); err != nil {
		return nil, err
	}
	L.RemoveContext()
	if opts.LockFile != "" {
		env.Spec.Sources = append(env.Spec.Sources, opts.LockFile)
	}
	return env, nil
}

// maxLoadMemory is how much heap a load may take before it is stopped:
// an Envfile that builds tables or strings without end gets a clear error
// instead of the Go runtime's crash when memory runs out.
var maxLoadMemory uint64 = 4 << 30

var errTooMuchMemory = errors.New("the Envfile's load ran away")

// wait waits for the load running in another goroutine. Lua stops at the
// next instruction once its context is cancelled, but a Go function it
// called (a pathological string.find pattern) does not; when the load does
// not stop within a moment of Ctrl-C it is left behind, its state with it
// (envrun is exiting), so that Ctrl-C always answers at once.
func (l *loader) wait(ctx context.Context, stop context.CancelCauseFunc, done chan error, chunk string) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	cause := func(err error) error {
		if c := context.Cause(ctx); c != nil && errors.Is(c, errTooMuchMemory) {
			return &spec.Error{Pos: spec.Pos{File: chunk}, Msg: c.Error()}
		}
		if err == nil {
			err = context.Cause(ctx)
		}
		return err
	}
	for {
		select {
		case err := <-done:
			if err != nil {
				l.L.Close()
				return cause(err)
			}
			return nil
		case <-ctx.Done():
			select {
			case err := <-done:
				l.L.Close()
				return cause(err)
			case <-time.After(300 * time.Millisecond):
				return cause(nil)
			}
		case <-tick.C:
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > maxLoadMemory {
				stop(fmt.Errorf("%w: it took more than %d MiB of memory (a loop that builds tables or strings without end?); stopped", errTooMuchMemory, maxLoadMemory>>20))
			}
		}
	}
}

// loader is the state of one load. Builtins close over it: nothing of
// envrun's lives in a Lua global that a script could overwrite.
type loader struct {
	L    *lua.LState
	ctx  context.Context
	env  *Env
	ef   *spec.Envfile
	opts Options
	cwd  string

	modules map[string]lua.LValue // require cache, by chunk name
	loading map[string]bool       // modules being loaded, to catch loops
	stdlib  map[string]bool       // chunk names of standard library files
	chunks  map[string]*chunk     // every Lua file loaded, by chunk name
	fetched map[string]*root      // fetched modules asked for, by name (nil: none)
	stdRoot *root                 // the standard library
	envRoot *root                 // the Envfile's folder
	hooks   []hookFunc            // every hook made, for its digest

	// providerLate: envrun.provider was read when neither the command
	// line nor the environment named the provider.
	providerLate bool

	defaults *spec.Machine // what defaults { } gave, merged into every machine by finish
}

// chunkName is how a file is named in positions: relative to the working
// folder when inside it, else absolute.
func (l *loader) chunkName(abs string) string {
	if rel, err := filepath.Rel(l.cwd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return abs
}

// runFile compiles and runs a Lua file as a chunk of its real name.
func (l *loader) runFile(abs string, src []byte) error {
	l.ef.Sources = append(l.ef.Sources, abs)
	fn, err := compile(l.L, src, l.chunkName(abs))
	if err != nil {
		return err
	}
	l.L.Push(fn)
	if err := l.L.PCall(0, 0, nil); err != nil {
		return convertError(err)
	}
	return nil
}

// compile loads a chunk under its real name; a syntax error becomes a
// *spec.Error with the chunk's name and a line, also at the end of the
// file (gopher-lua reports no line there: the last line is used).
func compile(L *lua.LState, src []byte, chunk string) (*lua.LFunction, error) {
	fn, err := L.Load(strings.NewReader(string(src)), chunk)
	if err == nil {
		return fn, nil
	}
	e, ok := convertError(err).(*spec.Error)
	if !ok {
		return nil, err
	}
	if e.Pos.File == "" {
		e.Pos.File = chunk
	}
	if e.Pos.Line <= 0 {
		e.Pos.Line = max(1, strings.Count(strings.TrimRight(string(src), "\n"), "\n")+1)
	}
	return nil, e
}

var posRE = regexp.MustCompile(`^(?s)([^\n]+?):(\d+)(?: \(called from ([^\n]+?:\d+)\))?: (.*)$`)

// convertError turns a gopher-lua error into a *spec.Error with FILE:LINE.
func convertError(err error) error {
	var api *lua.ApiError
	if !errors.As(err, &api) {
		return err
	}
	var perr *parse.Error
	if errors.As(api.Cause, &perr) {
		msg := strings.TrimSpace(perr.Message)
		if perr.Token != "" {
			msg = fmt.Sprintf("%s near %q", msg, perr.Token)
		}
		line := perr.Pos.Line
		if line == parse.EOF {
			line = 0
			msg += " at the end of the file"
		}
		if !strings.HasPrefix(msg, "syntax error") {
			msg = "syntax error: " + msg
		}
		return &spec.Error{Pos: spec.Pos{File: perr.Pos.Source, Line: line}, Msg: msg}
	}
	var cerr *lua.CompileError
	if errors.As(api.Cause, &cerr) {
		return &spec.Error{Pos: spec.Pos{Line: cerr.Line}, Msg: cerr.Message}
	}
	var msg string
	switch o := api.Object.(type) {
	case lua.LString:
		msg = cut(string(o))
	case *lua.LNilType:
		msg = "error called with nil"
	case *lua.LTable:
		msg = "error called with a table value"
	default:
		msg = cut(o.String())
	}
	e := parseMessage(msg)
	if e.Pos.Line == 0 {
		// error({}), error(nil) or error(msg, 0): no position in the
		// message, so the innermost Lua frame of the traceback gives it.
		if m := traceRE.FindStringSubmatch(api.StackTrace); m != nil {
			e.Pos.File = m[1]
			e.Pos.Line, _ = strconv.Atoi(m[2])
		}
	}
	return e
}

// traceRE is the innermost Lua frame of a gopher-lua traceback (Go
// functions show as [G]).
var traceRE = regexp.MustCompile(`(?m)^\t([^\[\t][^\n]*?):(\d+): in `)

// maxMessage is the longest error message printed whole.
const maxMessage = 2000

// cut shortens a huge error message (error(("x"):rep(1e8))) to a
// readable length, saying how long it was.
func cut(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	end := maxMessage
	for end > 0 && !utf8.RuneStart(msg[end]) {
		end--
	}
	return fmt.Sprintf("%s… (%d bytes in all, cut)", msg[:end], len(msg))
}

// parseMessage splits "file:line: text" into a position and a message.
func parseMessage(msg string) *spec.Error {
	if m := posRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		return &spec.Error{Pos: spec.Pos{File: m[1], Line: line, Caller: m[3]}, Msg: m[4]}
	}
	return &spec.Error{Msg: msg}
}

// pos is where the running builtin was called from: the innermost Lua
// frame outside the standard library, so that a machine defined by a
// stdlib helper points at the user's line; when that frame is inside a
// function, the line that called the function too (Pos.Caller).
func (l *loader) pos() spec.Pos {
	var first, p spec.Pos
	for level := 1; ; level++ {
		dbg, ok := l.L.GetStack(level)
		if !ok {
			break
		}
		if _, err := l.L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 {
			continue
		}
		fp := spec.Pos{File: dbg.Source, Line: dbg.CurrentLine}
		if first.File == "" {
			first = fp
		}
		if l.stdlib[dbg.Source] {
			continue
		}
		if p.File == "" {
			p = fp
			if dbg.What == "main" {
				return p
			}
			continue
		}
		if fp != p { // a function called on its own line says nothing new
			p.Caller = fp.String()
		}
		return p
	}
	if p.File != "" {
		return p
	}
	return first
}

// raise stops the script with an error at pos.
func (l *loader) raise(pos spec.Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if p := pos.String(); p != "" {
		msg = p + ": " + msg
	}
	l.L.Error(lua.LString(msg), 0)
}

// finish completes what could only be known once the whole Envfile ran:
// network order, the defaults step (spec.FillDefaults), deferred steps and
// the digests of hooks.
func (l *loader) finish() error {
	for _, m := range l.ef.Machines {
		if l.defaults != nil {
			mergeDefaults(m, l.defaults)
		}
		l.sortNetworks(m)
	}
	spec.FillDefaults(l.ef)
	// Deferred steps see the Envfile as the engine will: defaults filled,
	// each machine's networks in declaration order (m.ip is the first).
	if err := l.resolveDeferred(); err != nil {
		return err
	}
	spec.FillDefaults(l.ef) // the steps deferred ones made
	l.digestHooks()
	return nil
}

// abs resolves a path from the Envfile against its folder.
func (l *loader) abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[2:])
		}
	}
	return filepath.Join(l.ef.Dir, p)
}

// StandardGlobals lists the globals of Lua's standard library as an
// Envfile has them (openLibs: no io, a few os functions), each table's
// fields sorted; `envrun lua-defs` tells luacheck of them.
func StandardGlobals() map[string][]string {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	l := &loader{L: L, opts: Options{Print: io.Discard}}
	l.openLibs()
	out := map[string][]string{}
	L.Get(lua.GlobalsIndex).(*lua.LTable).ForEach(func(k, v lua.LValue) {
		name, ok := k.(lua.LString)
		if !ok || strings.HasPrefix(string(name), "_printregs") {
			return
		}
		var fields []string
		if t, ok := v.(*lua.LTable); ok && name != "_G" {
			t.ForEach(func(f, _ lua.LValue) {
				if s, ok := f.(lua.LString); ok {
					fields = append(fields, string(s))
				}
			})
			slices.Sort(fields)
		}
		out[string(name)] = fields
	})
	return out
}
