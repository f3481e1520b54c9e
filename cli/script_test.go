package cli_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/envrun/envrun/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(cleanupM{m}, map[string]func(){
		"envrun": func() { os.Exit(cli.Main(os.Args[1:])) },
	})
}

// TestScript runs the CLI scripts under testdata/script: validate, graph,
// and every kind of bad input, end to end through the real binary entry.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "../testdata/script",
		Setup: func(env *testscript.Env) error {
			// Name the provider so that no script depends on probing a
			// backend; scripts that need one say so.
			env.Setenv("ENVRUN_PROVIDER", "docker")
			env.Setenv("NO_COLOR", "1")
			// Modules: a cache of the script's own, the example module
			// repositories, and reproducible git commits.
			env.Setenv("ENVRUN_CACHE", filepath.Join(env.WorkDir, "cache"))
			testdata, err := filepath.Abs("../testdata")
			if err != nil {
				return err
			}
			env.Setenv("TESTDATA", testdata)
			for k, v := range map[string]string{
				"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
				"GIT_AUTHOR_NAME": "envrun tests", "GIT_AUTHOR_EMAIL": "tests@envrun.invalid",
				"GIT_COMMITTER_NAME": "envrun tests", "GIT_COMMITTER_EMAIL": "tests@envrun.invalid",
				"GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z",
			} {
				env.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exits N PROG ARGS...: PROG exits with status N.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits STATUS PROGRAM [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: bad status %q", args[0])
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var exit *exec.ExitError
					if !errors.As(err, &exit) {
						ts.Fatalf("exits: %v", err)
					}
					got = exit.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
				}
			},
		},
	})
}
