// Command gen writes the reference of builtins and the golden copy of the
// editor definitions from envrun's schema: go generate ./luaapi/luadefs.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/luaapi/luadefs"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen REFERENCE.md DEFS-DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(reference, defs string) error {
	if err := os.WriteFile(reference, []byte(luadefs.Reference(spec.EnvfileSchema)), 0o644); err != nil {
		return err
	}
	for _, f := range luadefs.Files(spec.EnvfileSchema) {
		p := filepath.Join(defs, f.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
