package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/safefile"
	"github.com/envrun/envrun/luaapi/luadefs"
)

func (a *app) luaDefsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "lua-defs [DIR]",
		Short: "Write editor definitions of the Envfile's builtins (LuaLS, luacheck)",
		Long: `lua-defs writes, into DIR (default: the Envfile's folder, else this one),
definitions of envrun's builtins for Lua's language server (` + luadefs.DefsDir + `/envrun.lua,
and a .luarc.json that points the server at them) and a .luacheckrc whose
globals are an Envfile's. Editors then complete builtins and keys, show their
documentation and flag misspelt names. A file it did not write (without its
marker line) is left alone and said so; run it again after upgrading envrun.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			} else if path, err := a.findEnvfile(); err == nil {
				dir = filepath.Dir(path)
			}
			return writeLuaDefs(dir, a.stdout)
		},
	}
}

// writeLuaDefs writes the definitions into dir, never over a file that
// lacks the marker line, and says what it wrote and what it left alone.
func writeLuaDefs(dir string, out io.Writer) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return &engine.UsageError{Err: fmt.Errorf("lua-defs: %s is not a folder", dir)}
	}
	for _, f := range luadefs.Files(spec.EnvfileSchema) {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		case !luadefs.HasMarker(old):
			fmt.Fprintf(out, "left alone: %s (not written by envrun lua-defs: no %q line)\n", p, luadefs.Marker)
			continue
		case string(old) == string(f.Data):
			fmt.Fprintf(out, "up to date: %s\n", p)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := safefile.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote: %s\n", p)
	}
	return nil
}
