// Package modules shares Lua modules between Envfiles: it fetches them from
// git repositories, pins each to a commit and a content hash in
// Envfile.lock, keeps them in a cache shared by every project of the user,
// and hands the loader a verified folder per module name.
//
// Fetching uses the git command: it honours the user's git set-up as it is
// (SSH keys and agent, credential helpers, insteadOf rewrites, proxies), it
// adds no dependency to envrun, and loading a locked Envfile whose modules
// are cached runs no git at all.
package modules

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// NameRE is what a module name looks like: one word, as the first part of
// `require "NAME.sub"`.
var NameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// CheckName says what is wrong with a module name, or nil.
func CheckName(name string) error {
	switch {
	case !NameRE.MatchString(name):
		return fmt.Errorf("module name %q: a name is one word of letters, digits, _ and - (it is the first part of require \"NAME.sub\")", name)
	case name == "envrun":
		return fmt.Errorf("module name %q is the standard library's", name)
	}
	return nil
}

// refRE is a tag, a branch or a commit id: what git accepts as a ref name,
// less what could be read as an option or a revision expression.
var refRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._/+-]*$`)

// CheckRef says what is wrong with a ref, or nil. "" is the source's
// default branch.
func CheckRef(ref string) error {
	if ref != "" && (!refRE.MatchString(ref) || strings.Contains(ref, "..") || strings.HasSuffix(ref, ".lock") || strings.HasSuffix(ref, "/")) {
		return fmt.Errorf("%q is not a tag, branch or commit name", ref)
	}
	return nil
}

// SplitRef splits SOURCE@REF. The @ that starts the ref is the last one in
// the path part of the source, so user@host in a URL or in scp-like
// `git@host:repo` is not taken for one: `git@host:repo@v1.2.0`,
// `https://host/repo.git@main`, `../repo@feature/x`.
func SplitRef(s string) (source, ref string) {
	path := 0
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.IndexByte(s[i+3:], '/'); j >= 0 {
			path = i + 3 + j
		} else {
			path = len(s)
		}
	} else if isSCP(s) {
		path = strings.IndexByte(s, ':')
	}
	if i := strings.LastIndexByte(s[path:], '@'); i >= 0 {
		return s[:path+i], s[path+i+1:]
	}
	return s, ""
}

// isSCP reports whether s is scp-like git syntax, host:path or
// user@host:path (a colon before any slash).
func isSCP(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || strings.Contains(s, "://") {
		return false
	}
	slash := strings.IndexByte(s, '/')
	// C:\ or C:/ is a Windows drive, not a host.
	return (slash < 0 || colon < slash) && !(colon == 1 && len(s) > 2 && (s[2] == '/' || s[2] == '\\'))
}

// IsLocal reports whether source is a path on this machine rather than a
// URL or scp-like address. file:// URLs are URLs.
func IsLocal(source string) bool {
	return !strings.Contains(source, "://") && !isSCP(source)
}

// Resolve makes a local source absolute against base; URLs are returned
// as they are.
func Resolve(source, base string) string {
	if !IsLocal(source) {
		return source
	}
	if !filepath.IsAbs(source) {
		source = filepath.Join(base, source)
	}
	return filepath.Clean(source)
}

// Same reports whether two resolved sources name the same repository:
// equal, or equal but for a trailing slash or ".git".
func Same(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSuffix(s, "/")
		return strings.TrimSuffix(s, ".git")
	}
	return norm(a) == norm(b)
}

// Portable is how a source is written into the lock: a local path that was
// relative stays relative, to the Envfile's folder, so that a project and
// the module repositories beside it can move together.
func Portable(resolved string, wasRelative bool, envDir string) string {
	if !IsLocal(resolved) || !wasRelative {
		return resolved
	}
	if rel, err := filepath.Rel(envDir, resolved); err == nil {
		return filepath.ToSlash(rel)
	}
	return resolved
}

// repoBase is a short readable name for a source, for cache folder names:
// the last part of its path without ".git".
func repoBase(source string) string {
	s := strings.TrimRight(source, "/")
	if i := strings.LastIndexAny(s, "/:\\"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ".git")
	s = regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(s, "-")
	s = strings.Trim(s, ".-")
	if s == "" {
		return "module"
	}
	return s
}
