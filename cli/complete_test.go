package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/cli"
)

const completeEnvfile = `box "debian/bookworm"
network "n" { subnet = "10.9.0.0/24" }
machine "web1" { networks = { n = "10.9.0.11" }, provision = { shell { name = "pkgs", inline = "true" } } }
machine "web2" { networks = { n = "10.9.0.12" } }
machine "db" { networks = { n = "10.9.0.20" } }
ansible "site" { playbook = "Envfile.lua" }
print("never shown")
`

// TestComplete drives cobra's __complete entry, as the shell's completion
// script does: machine names for the commands that take them, providers
// for --provider, module names from Envfile.lock; and for an Envfile that
// does not load, nothing (exit 0, no error printed, nothing created).
func TestComplete(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("ENVRUN_CACHE", filepath.Join(t.TempDir(), "cache"))
	write("Envfile.lua", completeEnvfile)
	write("broken.lua", "machine \"a\" {\n")
	write("Envfile.lock", `{"version": 1, "modules": {"base": {"source": "../base", "commit": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "hash": "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "direct": true}, "web": {"source": "../web", "commit": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "hash": "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "direct": true}}}`)
	t.Chdir(dir)
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"ssh", ""}, []string{"web1", "web2", "db"}},
		{[]string{"ssh", "web1", ""}, nil}, // ssh takes one machine
		{[]string{"up", "w"}, []string{"web1", "web2"}},
		{[]string{"up", "web1", ""}, []string{"web2", "db"}}, // each once
		{[]string{"provision", "d"}, []string{"db"}},
		{[]string{"rsync", "w"}, []string{"web1", "web2"}},
		{[]string{"halt", ""}, []string{"web1", "web2", "db"}},
		{[]string{"destroy", "web2", ""}, []string{"web1", "db"}},
		{[]string{"reload", "w"}, []string{"web1", "web2"}},
		{[]string{"suspend", ""}, []string{"web1", "web2", "db"}},
		{[]string{"resume", "db", ""}, []string{"web1", "web2"}},
		{[]string{"snapshot", "list", "d"}, []string{"db"}},
		{[]string{"snapshot", "push", ""}, []string{"web1", "web2", "db"}},
		{[]string{"snapshot", "save", "web1", ""}, []string{"web2", "db"}},
		// No snapshots exist (or no backend answers): machine names.
		{[]string{"snapshot", "restore", "web"}, []string{"web1", "web2"}},
		{[]string{"up", "--provider", ""}, []string{"docker", "libvirt", "virtualbox"}},
		{[]string{"--provider", "li"}, []string{"libvirt"}},
		{[]string{"module", "remove", ""}, []string{"base", "web"}},
		{[]string{"module", "update", "w"}, []string{"web"}},
		{[]string{"-f", "broken.lua", "ssh", ""}, nil},
		{[]string{"-f", "missing.lua", "up", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli.Run(context.Background(), append([]string{"__complete"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d; stderr: %s", code, stderr.String())
			}
			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			got, directive := lines[:len(lines)-1], lines[len(lines)-1]
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("completions %q, want %q", got, tt.want)
			}
			if directive != ":4" { // no file names
				t.Errorf("directive %q, want :4", directive)
			}
			// cobra's own debug line is all that goes to stderr (the
			// completion script drops it); no Envfile error, no print.
			if rest := strings.TrimPrefix(stderr.String(), "Completion ended with directive: ShellCompDirectiveNoFileComp\n"); rest != "" {
				t.Errorf("stderr: %q", rest)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
		t.Error("completion created .envrun/")
	}
}

// TestCompleteSteps drives __complete for --step, as the shell does for
// `envrun up --step <TAB>`: the Envfile's step names, global ones first,
// each once (a step value shared by machines, a hook's KIND#N), whatever
// machines the command names, the next of a comma list, none named
// already; nothing for an Envfile that does not load.
func TestCompleteSteps(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ENVRUN_CACHE", filepath.Join(t.TempDir(), "cache"))
	for name, text := range map[string]string{
		"Envfile.lua": `box "b"
local common = shell { name = "common", inline = "true" }
machine "a" { provision = { common, shell { inline = "x" } } }
machine "b" { provision = { common, function(m) end } }
ansible "site" { playbook = "Envfile.lua" }
`,
		"broken.lua": "machine \"a\" {\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	all := []string{"site", "common", "shell#2", "hook#2"}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"up", "--step", ""}, all},
		{[]string{"up", "a", "--step", ""}, all},
		{[]string{"up", "a", "b", "--step", "s"}, []string{"site", "shell#2"}},
		{[]string{"up", "--step=c"}, []string{"common"}},
		{[]string{"up", "--step", "common,s"}, []string{"common,site", "common,shell#2"}},
		{[]string{"up", "--step", "site", "--step", ""}, []string{"common", "shell#2", "hook#2"}},
		{[]string{"provision", "--step", ""}, all},
		{[]string{"provision", "b", "--step", "h"}, []string{"hook#2"}},
		{[]string{"provision", "--step", "nothing"}, nil},
		{[]string{"-f", "broken.lua", "up", "--step", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if got := completeIn(t, tt.args...); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("completions %q, want %q", got, tt.want)
			}
		})
	}
}

// completeIn runs `envrun __complete ARGS...` in the current folder and
// returns the completions.
func completeIn(t *testing.T, args ...string) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := cli.Run(context.Background(), append([]string{"__complete"}, args...), strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	return lines[:len(lines)-1]
}

// TestCompleteCache: a TAB after the first answers from the cache in the
// user's cache folder, and a change of anything the load read (the
// Envfile, a required module, an envrun.read file, an environment
// variable) gives the new names, never the cached ones.
func TestCompleteCache(t *testing.T) {
	dir, cache := t.TempDir(), filepath.Join(t.TempDir(), "cache")
	t.Setenv("ENVRUN_CACHE", cache)
	t.Setenv("S2_EXTRA", "")
	os.Unsetenv("S2_EXTRA")
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	envfile := `box "debian/bookworm"
local lib = require "lib"
for name in envrun.read("names.txt"):gmatch("%S+") do machine(name) {} end
machine(lib.name) {}
if os.getenv("S2_EXTRA") then machine(os.getenv("S2_EXTRA")) {} end
`
	write("Envfile.lua", envfile)
	write("lib.lua", `return { name = "lib1" }`)
	write("names.txt", "a b")
	t.Chdir(dir)
	check := func(step string, want ...string) {
		t.Helper()
		if got := completeIn(t, "up", ""); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: completions %q, want %q", step, got, want)
		}
	}
	check("first", "a", "b", "lib1")
	files, _ := filepath.Glob(filepath.Join(cache, "complete", "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %q, want one", files)
	}
	// The next TAB reads the cache: doctored names show it is used.
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[0], bytes.Replace(data, []byte(`"lib1"`), []byte(`"cached"`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	check("cached", "a", "b", "cached")

	write("Envfile.lua", envfile+`machine "c" {}`+"\n")
	check("envfile changed", "a", "b", "lib1", "c")
	write("names.txt", "a x")
	check("read file changed", "a", "x", "lib1", "c")
	write("lib.lua", `return { name = "lib2" }`)
	check("module changed", "a", "x", "lib2", "c")
	t.Setenv("S2_EXTRA", "env1")
	check("environment changed", "a", "x", "lib2", "env1", "c")
	check("again", "a", "x", "lib2", "env1", "c")
	write("Envfile.lua", "machine \"a\" {\n")
	check("broken")
	if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
		t.Error("completion created .envrun/")
	}
}

// TestCompleteSnapshots: snapshot names come from what the state folder
// records (envrun writes them when it saves, lists under its lock or
// deletes), never from an engine: here none answers.
func TestCompleteSnapshots(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ENVRUN_CACHE", filepath.Join(t.TempDir(), "cache"))
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(dir, "no-engine.sock"))
	if err := os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte(completeEnvfile), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, ".envrun"), 0o700); err != nil {
		t.Fatal(err)
	}
	state := `{"machines": {}, "snapshots": {"web1": ["base", "push-1"], "db": ["base", "seeded"]}}`
	if err := os.WriteFile(filepath.Join(dir, ".envrun", "state.json"), []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"snapshot", "restore", ""}, "web1 web2 db base seeded push-1"},
		{[]string{"snapshot", "restore", "web1", ""}, "web2 db base push-1"},
		{[]string{"snapshot", "delete", "db", "s"}, "seeded"},
		{[]string{"snapshot", "save", "web1", "b"}, ""}, // a new name: nothing to offer
	} {
		if got := strings.Join(completeIn(t, tt.args...), " "); got != tt.want {
			t.Errorf("%s: completions %q, want %q", strings.Join(tt.args, " "), got, tt.want)
		}
	}
}
