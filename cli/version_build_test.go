package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/envrun/envrun/cli"
)

// TestVersionBuilt runs `envrun version`, `envrun --version` and `envrun
// version --json` from a binary the go command built and stamped from a
// git repository: what they say must be what the build recorded. The main
// package is envrun's own (cli.Main), in a module of the test's, in a git
// repository of the test's with one commit tagged v1.2.3, so the stamp is
// known whatever the checkout (a git worktree, whose .git is a file, gets
// no VCS stamp from the go command, and a dirty tree a +dirty version).
// What it proves beside TestReadVersion (build information parsed from
// text): that the real build information reaches the command's output.
func TestVersionBuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds envrun")
	}
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed: %v", tool, err)
			}
			t.Skipf("%s is needed: %v", tool, err)
		}
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeStampModule(t, root, dir)
	gitEnv := append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=envrun tests", "GIT_AUTHOR_EMAIL=tests@envrun.invalid", "GIT_AUTHOR_DATE=2025-01-01T00:00:00Z",
		"GIT_COMMITTER_NAME=envrun tests", "GIT_COMMITTER_EMAIL=tests@envrun.invalid", "GIT_COMMITTER_DATE=2025-01-01T00:00:00Z")
	run := func(env []string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr)
		}
		return string(out)
	}
	run(gitEnv, "git", "init", "-q")
	run(gitEnv, "git", "add", "-A")
	run(gitEnv, "git", "commit", "-q", "-m", "envrun, stamped")
	run(gitEnv, "git", "tag", "v1.2.3")
	rev := strings.TrimSpace(run(gitEnv, "git", "rev-parse", "HEAD"))

	// The build flags of this test binary's envrun (libvirt or not); VCS
	// stamping on whatever GOFLAGS says; no download (the test binary's
	// modules are in the cache).
	bin := filepath.Join(dir, "envrun")
	run(append(os.Environ(), "GOFLAGS=-buildvcs=true", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local"),
		"go", "build", "-tags", harnessTags, "-o", bin, ".")

	want := "envrun v1.2.3\n" +
		"revision:  " + rev + ", 2025-01-01T00:00:00Z\n" +
		"go:        " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	var in, out []string
	type prov struct {
		Name    string `json:"name"`
		BuiltIn bool   `json:"built_in"`
		Why     string `json:"why"`
	}
	var provs []prov
	for _, d := range cli.Drivers {
		p := prov{Name: d.Name, BuiltIn: d.NotBuilt == nil}
		if d.NotBuilt != nil {
			p.Why = d.NotBuilt.Error()
			out = append(out, "           ("+d.Name+" is not: "+p.Why+")\n")
		} else {
			in = append(in, d.Name)
		}
		provs = append(provs, p)
	}
	want += "providers: " + strings.Join(in, ", ") + "\n" + strings.Join(out, "")
	if len(in) == 0 || !strings.Contains(want, "docker") {
		t.Fatalf("the providers of this build: %+v", provs)
	}

	if got := run(os.Environ(), bin, "version"); got != want {
		t.Errorf("envrun version:\n%s\nwant:\n%s", got, want)
	}
	if got := run(os.Environ(), bin, "--version"); got != want {
		t.Errorf("envrun --version:\n%s\nwant:\n%s", got, want)
	}
	var v struct {
		Version, Revision, Time, Go, Platform string
		Modified                              *bool
		Providers                             []prov
	}
	js := run(os.Environ(), bin, "version", "--json")
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatalf("version --json: %v\n%s", err, js)
	}
	if v.Version != "v1.2.3" || v.Revision != rev || v.Time != "2025-01-01T00:00:00Z" || v.Modified != nil ||
		v.Go != runtime.Version() || v.Platform != runtime.GOOS+"/"+runtime.GOARCH || !reflect.DeepEqual(v.Providers, provs) {
		t.Errorf("version --json:\n%s\nwant version v1.2.3, revision %s, its time, not modified, %s %s/%s, providers %+v",
			js, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH, provs)
	}
}

// writeStampModule writes, in dir, a module whose main package is
// envrun's main.go and which requires envrun (at root) with every
// requirement and replacement of envrun's own go.mod, and its go.sum.
func writeStampModule(t *testing.T, root, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	own, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &modfile.File{}
	f.AddModuleStmt("example.com/envrun-stamped")
	f.AddGoStmt(own.Go.Version)
	f.AddNewRequire(own.Module.Mod.Path, "v0.0.0", false)
	for _, r := range own.Require {
		f.AddNewRequire(r.Mod.Path, r.Mod.Version, r.Indirect)
	}
	f.AddReplace(own.Module.Mod.Path, "", root, "")
	for _, r := range own.Replace {
		to := r.New.Path
		if modfile.IsDirectoryPath(to) && !filepath.IsAbs(to) {
			to = filepath.Join(root, to)
		}
		f.AddReplace(r.Old.Path, r.Old.Version, to, r.New.Version)
	}
	mod, err := f.Format()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile(filepath.Join(root, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"go.mod": mod, "go.sum": sum, "main.go": main} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
