package modules_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// gitTestEnv makes git commits reproducible and independent of the
// machine's git configuration: the same files, messages and order give the
// same commit ids on every run.
func gitTestEnv(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git is required on CI: %v", err)
		}
		t.Skipf("git is not installed: %v", err)
	}
	for k, v := range map[string]string{
		"GIT_CONFIG_GLOBAL":   "/dev/null",
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME":     "envrun tests",
		"GIT_AUTHOR_EMAIL":    "tests@envrun.invalid",
		"GIT_COMMITTER_NAME":  "envrun tests",
		"GIT_COMMITTER_EMAIL": "tests@envrun.invalid",
	} {
		t.Setenv(k, v)
	}
}

// repo is a real git repository made by a test, used as a module source.
type repo struct {
	t       testing.TB
	Dir     string
	commits int
}

func newRepo(t testing.TB, dir string) *repo {
	t.Helper()
	r := &repo{t: t, Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "--quiet", "--initial-branch=main")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	date := time.Date(2025, 1, 1, 0, 0, r.commits, 0, time.UTC).Format(time.RFC3339)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// write writes files (path → content); "" removes a file.
func (r *repo) write(files map[string]string) {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.Dir, filepath.FromSlash(name))
		if content == "" {
			os.Remove(p)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// commit commits every change and returns the commit id.
func (r *repo) commit(msg string) string {
	r.t.Helper()
	r.commits++
	r.git("add", "--all")
	r.git("commit", "--quiet", "--message", msg)
	return r.git("rev-parse", "HEAD")
}

// release writes files, commits them and tags the commit.
func (r *repo) release(tag string, files map[string]string) string {
	r.t.Helper()
	r.write(files)
	c := r.commit(fmt.Sprintf("release %s", tag))
	r.git("tag", tag)
	return c
}
