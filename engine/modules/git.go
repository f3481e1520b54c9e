package modules

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/envrun/envrun/internal/flock"
	"github.com/envrun/envrun/internal/tail"
)

var commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// gitError is a failed git command: the command, its status and the tail
// of what it printed.
type gitError struct {
	args   []string
	err    error
	stderr string
}

func (e *gitError) Error() string {
	msg := fmt.Sprintf("git %s: %v", strings.Join(e.args, " "), e.err)
	if t := tail.Lines(strings.TrimSpace(e.stderr), 5); t != "" {
		msg += ":\n" + t
	}
	return msg
}

func (e *gitError) Unwrap() error { return e.err }

// ErrNoGit is returned when a module must be fetched and git is missing.
var ErrNoGit = errors.New("fetching modules needs git, which is not installed here (apt-get install git)")

// git runs git in dir with the user's configuration, but never prompts
// (a fetch that needs a password fails instead of hanging) and never
// inherits a repository from the environment (GIT_DIR and friends, set
// when envrun runs inside a git hook).
func git(ctx context.Context, dir string, stdout io.Writer, args ...string) error {
	return gitWith(ctx, remoteProtocols, dir, stdout, args...)
}

// The transports git may use for a module source (GIT_ALLOW_PROTOCOL,
// which wins over any protocol.allow of the user's configuration): the
// network ones. ext:: (which runs a command named in the source) and fd::
// are never allowed; file only for a source that is a local path the
// Envfile wrote, never through a URL.
const (
	remoteProtocols = "https:http:ssh:git"
	localProtocols  = remoteProtocols + ":file"
)

// gitWith is git allowing the transports protocols.
func gitWith(ctx context.Context, protocols, dir string, stdout io.Writer, args ...string) error {
	path, err := exec.LookPath("git")
	if err != nil {
		return ErrNoGit
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Env = append(gitEnv(), "GIT_ALLOW_PROTOCOL="+protocols)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return &gitError{args: args, err: err, stderr: stderr.String()}
	}
	return nil
}

// gitOutput runs git and returns its trimmed stdout.
func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	var out bytes.Buffer
	err := git(ctx, dir, &out, args...)
	return strings.TrimSpace(out.String()), err
}

func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALLOW_PROTOCOL",
			"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES":
		default:
			env = append(env, kv)
		}
	}
	return append(env, "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
}

// mirror is a bare repository in the cache that holds what was fetched
// from one source, so that later fetches are incremental and a commit once
// fetched can be exported again without the source.
type mirror struct {
	dir    string // the bare repository
	source string // resolved source: URL or absolute path
}

// mirrorFor returns the cache's mirror of source, creating an empty one if
// needed.
func (c *Cache) mirrorFor(ctx context.Context, source string) (*mirror, error) {
	sum := sha256.Sum256([]byte(strings.TrimSuffix(strings.TrimSuffix(source, "/"), ".git")))
	dir := filepath.Join(c.Dir, "git", repoBase(source)+"-"+hex.EncodeToString(sum[:8])+".git")
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err == nil {
		return &mirror{dir: dir, source: source}, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("module cache: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".init-*")
	if err != nil {
		return nil, fmt.Errorf("module cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := git(ctx, tmp, nil, "init", "--quiet", "--bare", "."); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "HEAD")); serr != nil { // not made by another envrun meanwhile
			return nil, fmt.Errorf("module cache: %w", err)
		}
	}
	return &mirror{dir: dir, source: source}, nil
}

// lock serialises fetches into the mirror between processes.
func (m *mirror) lock(ctx context.Context) (unlock func(), err error) {
	f, err := os.OpenFile(m.dir+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("module cache: %w", err)
	}
	if err := flock.Lock(ctx, f); err != nil {
		f.Close()
		return nil, fmt.Errorf("module cache: lock %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil
}

// headRef is where a mirror keeps the source's default branch.
const headRef = "refs/envrun/HEAD"

// fetch brings the mirror up to date with the source: every branch and
// tag (moved tags too), and the default branch.
func (m *mirror) fetch(ctx context.Context) error {
	unlock, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	specs := []string{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}
	err = gitWith(ctx, m.protocols(), m.dir, nil, append([]string{"fetch", "--quiet", "--prune", "--no-tags", "--", m.source}, specs...)...)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", m.source, err)
	}
	// The default branch; a source whose HEAD names no branch has none.
	if err := gitWith(ctx, m.protocols(), m.dir, nil, "fetch", "--quiet", "--no-tags", "--", m.source, "+HEAD:"+headRef); err != nil {
		git(ctx, m.dir, nil, "update-ref", "-d", headRef)
	}
	return nil
}

// fetchCommit asks the source for one commit that no branch or tag holds
// (servers may refuse).
func (m *mirror) fetchCommit(ctx context.Context, commit string) error {
	unlock, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	return gitWith(ctx, m.protocols(), m.dir, nil, "fetch", "--quiet", "--no-tags", "--", m.source, commit)
}

// protocols are the transports a fetch from the mirror's source may use.
func (m *mirror) protocols() string {
	if IsLocal(m.source) && filepath.IsAbs(m.source) {
		return localProtocols
	}
	return remoteProtocols
}

// has reports whether the mirror holds commit.
func (m *mirror) has(ctx context.Context, commit string) bool {
	return git(ctx, m.dir, nil, "cat-file", "-e", commit+"^{commit}") == nil
}

// resolve turns a ref into a full commit id: a tag, a branch, a commit id
// (full or abbreviated), or "" for the default branch. It fetches first.
func (m *mirror) resolve(ctx context.Context, ref string) (string, error) {
	if err := m.fetch(ctx); err != nil {
		return "", err
	}
	rev := ref
	if ref == "" {
		rev = headRef
	}
	out, err := gitOutput(ctx, m.dir, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err == nil && commitRE.MatchString(out) {
		return out, nil
	}
	if commitRE.MatchString(ref) {
		if err := m.fetchCommit(ctx, ref); err == nil && m.has(ctx, ref) {
			return ref, nil
		}
	}
	if ref == "" {
		return "", fmt.Errorf("%s has no default branch: name a tag, branch or commit (SOURCE@REF)", m.source)
	}
	return "", fmt.Errorf("%s has no tag, branch or commit %q%s", m.source, ref, m.known(ctx))
}

// known lists the source's tags and branches for a message.
func (m *mirror) known(ctx context.Context) string {
	out, err := gitOutput(ctx, m.dir, "for-each-ref", "--format=%(refname:short)", "--sort=-creatordate", "refs/tags", "refs/heads")
	if err != nil || out == "" {
		return ""
	}
	refs := strings.Fields(out)
	more := ""
	if len(refs) > 10 {
		refs, more = refs[:10], ", ..."
	}
	return " (it has " + strings.Join(refs, ", ") + more + ")"
}

// archive writes the files of commit as a tar stream.
func (m *mirror) archive(ctx context.Context, commit string, w io.Writer) error {
	return git(ctx, m.dir, w, "archive", "--format=tar", commit)
}
