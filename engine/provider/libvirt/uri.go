package libvirt

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
)

// A libvirt URI can make libvirt run a program on this host before any
// question is asked: qemu+ext://...?command=PROG runs PROG, qemu+ssh's
// ?command=, ?netcat= and ?socket= end up in a command line, and a host
// starting with '-' reaches ssh as an option. envrun opens only the URIs
// below, checked when the Envfile loads and again before any connection
// (LIBVIRT_DEFAULT_URI too), so a read-only command such as `envrun
// status` never runs what an Envfile or the environment slipped in.
//
//	qemu:///system, qemu:///session                  local libvirtd
//	qemu+unix:///system[?socket=/abs/path]           the same over a named socket
//	qemu+ssh://[user@]host[:port]/system[?keyfile=/abs/path]
//	test:///default                                  libvirt's test driver (tests)
var (
	uriHostRE = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)
	uriUserRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$`)
	uriPathRE = regexp.MustCompile(`^/[A-Za-z0-9_./+-]*$`)
)

// uriQuery is the query parameters each transport may carry, with a check
// of the value.
var uriQuery = map[string]map[string]func(string) bool{
	"qemu":      {},
	"qemu+unix": {"socket": safePath},
	"qemu+ssh":  {"keyfile": safePath},
	"test":      {},
}

func safePath(p string) bool { return uriPathRE.MatchString(p) && path.Clean(p) == p }

// CheckURI reports why envrun will not open uri, or nil.
func CheckURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not a libvirt URI (like \"qemu:///system\")", uri)
	}
	allowed, ok := uriQuery[u.Scheme]
	if !ok {
		return fmt.Errorf("%q: envrun opens qemu:///system, qemu:///session, qemu+unix:///system?socket=PATH and qemu+ssh://user@host/system, not %s:// (some transports run programs on this host)", uri, u.Scheme)
	}
	switch u.Scheme {
	case "test":
		if u.Host != "" || u.Path != "/default" {
			return fmt.Errorf("%q: the test driver is test:///default", uri)
		}
	case "qemu", "qemu+unix":
		if u.Host != "" || u.User != nil {
			return fmt.Errorf("%q: a remote libvirt is reached over SSH: qemu+ssh://user@%s/system", uri, u.Host)
		}
		if u.Path != "/system" && u.Path != "/session" {
			return fmt.Errorf("%q: the path is /system or /session", uri)
		}
	case "qemu+ssh":
		host := u.Hostname()
		if host == "" || !uriHostRE.MatchString(host) && net.ParseIP(host) == nil {
			return fmt.Errorf("%q: %q is not a host name or IP address", uri, host)
		}
		if p := u.Port(); p != "" && (len(p) > 5 || strings.TrimLeft(p, "0123456789") != "") {
			return fmt.Errorf("%q: port %q is not a number", uri, p)
		}
		if u.User != nil {
			if _, set := u.User.Password(); set || !uriUserRE.MatchString(u.User.Username()) {
				return fmt.Errorf("%q: the user is a plain user name, with no password", uri)
			}
		}
		if u.Path != "/system" && u.Path != "/session" {
			return fmt.Errorf("%q: the path is /system or /session", uri)
		}
	}
	if u.Fragment != "" {
		return fmt.Errorf("%q: a libvirt URI has no fragment", uri)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fmt.Errorf("%q: %v", uri, err)
	}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		check, ok := allowed[k]
		if !ok {
			known := "none"
			if len(allowed) > 0 {
				known = strings.Join(slices.Sorted(maps.Keys(allowed)), ", ")
			}
			return fmt.Errorf("%q: parameter %q is not one envrun allows for %s (allowed: %s): libvirt runs programs named by some", uri, k, u.Scheme, known)
		}
		if len(q[k]) != 1 || !check(q[k][0]) {
			return fmt.Errorf("%q: parameter %s=%q: want one absolute path of letters, digits and ._+-/", uri, k, strings.Join(q[k], ","))
		}
	}
	return nil
}
