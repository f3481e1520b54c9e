// Package ansible runs Ansible for envrun: it writes the inventory of an
// environment in Ansible's own YAML format and runs ansible-playbook over
// it, once for all the machines of a step, with host key checking on
// against the keys envrun pinned.
package ansible

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/envrun/envrun/internal/shquote"
)

// FirstLine is the inventory's first line: a comment alone, which a
// reader may skip without harm.
const FirstLine = "#"

// Host is one machine in an inventory.
type Host struct {
	Name   string         // the inventory hostname: the machine's name
	Addr   string         // its SSH address, host:port
	User   string         // ansible_user
	Groups []string       // the machine's own groups
	Vars   map[string]any // the machine's `vars`; they win over envrun's
	// ProxyCommand reaches the machine when this host cannot route to it
	// (a jump host, the engine's API); "" for a direct connection.
	ProxyCommand string
	// ForwardAgent forwards the host's SSH agent (ansible_ssh_extra_args).
	ForwardAgent bool
	// Interfaces are its interface names by network, envrun_interfaces;
	// nil when not known yet.
	Interfaces map[string]string
}

// Inventory is everything an inventory file says.
type Inventory struct {
	// Source names what the inventory was made from, for its header.
	Source string
	Hosts  []Host
	// Groups are extra groups (an ansible step's `groups`): group name →
	// members. Members that are not among Hosts are left out.
	Groups map[string][]string
	// Children are child groups: group → the groups it holds.
	Children map[string][]string
	// GroupVars are variables of groups ("all": every host's); HostVars
	// of hosts, over their own Vars. Neither sets connection variables
	// (the Envfile's loader refuses them).
	GroupVars map[string]map[string]any
	HostVars  map[string]map[string]any
	// KeyFile is the environment's private key; KnownHostsFile holds the
	// pinned host keys in OpenSSH's format. Both absolute.
	KeyFile, KnownHostsFile string
}

// SSHCommonArgs is the OpenSSH options every connection needs: the pinned
// keys and nothing else as the trusted host keys, host key checking on, and
// the environment key only.
func SSHCommonArgs(knownHosts string) string {
	return strings.Join([]string{
		"-o", shquote.Quote("UserKnownHostsFile=" + knownHosts),
		"-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "StrictHostKeyChecking=yes",
		"-o", "IdentitiesOnly=yes",
	}, " ")
}

// YAML renders the inventory in Ansible's YAML inventory format. The
// result is deterministic: hosts in the given order, groups sorted.
func (inv *Inventory) YAML() ([]byte, error) {
	allVars := mapping(
		"ansible_ssh_private_key_file", inv.KeyFile,
		"ansible_ssh_common_args", SSHCommonArgs(inv.KnownHostsFile),
		// A user's ansible.cfg with host_key_checking = False would make
		// Ansible add StrictHostKeyChecking=no before the options above,
		// and OpenSSH takes the first value it is given: a variable beats
		// the configuration file.
		"ansible_ssh_host_key_checking", true,
	)
	hosts := mapping()
	members := map[string][]string{}
	inRun := map[string]bool{}
	for _, h := range inv.Hosts {
		inRun[h.Name] = true
	}
	for _, h := range inv.Hosts {
		host, port, err := net.SplitHostPort(h.Addr)
		if err != nil {
			return nil, fmt.Errorf("inventory: host %s: address %q: %w", h.Name, h.Addr, err)
		}
		node := mapping()
		own := func(k string, v any) {
			if _, set := h.Vars[k]; !set {
				add(node, k, v)
			}
		}
		own("ansible_host", host)
		if port != "22" {
			p, err := strconv.Atoi(port)
			if err != nil {
				return nil, fmt.Errorf("inventory: host %s: port %q: %w", h.Name, port, err)
			}
			own("ansible_port", p)
		}
		own("ansible_user", h.User)
		if h.ProxyCommand != "" {
			own("ansible_ssh_common_args", SSHCommonArgs(inv.KnownHostsFile)+" -o "+shquote.Quote("ProxyCommand="+h.ProxyCommand))
		}
		if h.ForwardAgent {
			own("ansible_ssh_extra_args", "-o ForwardAgent=yes")
		}
		if len(h.Interfaces) > 0 {
			ifaces := mapping()
			for _, n := range slices.Sorted(maps.Keys(h.Interfaces)) {
				add(ifaces, n, h.Interfaces[n])
			}
			own("envrun_interfaces", ifaces)
		}
		vars := maps.Clone(h.Vars)
		if vars == nil {
			vars = map[string]any{}
		}
		maps.Copy(vars, inv.HostVars[h.Name])
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			add(node, k, vars[k])
		}
		add(hosts, h.Name, node)
		for _, g := range h.Groups {
			members[g] = appendNew(members[g], h.Name)
		}
	}
	for g, names := range inv.Groups {
		for _, n := range names {
			if inRun[n] {
				members[g] = appendNew(members[g], n)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(inv.GroupVars["all"])) {
		if !slices.ContainsFunc(allVars.Content, func(n *yaml.Node) bool { return n.Value == k }) {
			add(allVars, k, inv.GroupVars["all"][k])
		}
	}
	all := mapping("vars", allVars, "hosts", hosts)
	groups := map[string]bool{}
	for g := range members {
		groups[g] = true
	}
	for g, kids := range inv.Children {
		groups[g] = true
		for _, k := range kids {
			groups[k] = true
		}
	}
	for g := range inv.GroupVars {
		if g != "all" {
			groups[g] = true
		}
	}
	if len(groups) > 0 {
		children := mapping()
		for _, g := range slices.Sorted(maps.Keys(groups)) {
			node := mapping()
			if len(members[g]) > 0 {
				gh := mapping()
				for _, n := range members[g] {
					add(gh, n, nil)
				}
				add(node, "hosts", gh)
			}
			if kids := inv.Children[g]; len(kids) > 0 {
				kn := mapping()
				for _, k := range kids {
					add(kn, k, nil)
				}
				add(node, "children", kn)
			}
			if vars := inv.GroupVars[g]; len(vars) > 0 {
				vn := mapping()
				for _, k := range slices.Sorted(maps.Keys(vars)) {
					add(vn, k, vars[k])
				}
				add(node, "vars", vn)
			}
			if len(node.Content) == 0 {
				node = nil
			}
			if node == nil {
				add(children, g, nil)
			} else {
				add(children, g, node)
			}
		}
		add(all, "children", children)
	}
	doc := mapping("all", all)
	var b bytes.Buffer
	// The first line may be lost when the inventory is read from a pipe
	// (`ansible -i <(envrun inventory)`: Ansible's script plugin reads the
	// pipe before the yaml plugin does), so it is a line that can go.
	fmt.Fprintf(&b, "%s\n# Ansible inventory of %s, made by envrun (`envrun inventory` prints it).\n", FirstLine, inv.Source)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	return b.Bytes(), nil
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// mapping makes a YAML mapping node from key, value pairs, in order.
func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		add(n, kv[i].(string), kv[i+1])
	}
	return n
}

// add appends key: v to a mapping node. v is a *yaml.Node, nil (an empty
// value) or a plain Go value from an Envfile.
func add(n *yaml.Node, key string, v any) {
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	var val *yaml.Node
	switch v := v.(type) {
	case *yaml.Node:
		val = v
	case nil:
		val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}
	default:
		val = &yaml.Node{}
		if err := val.Encode(Normalize(v)); err != nil {
			// Envfile values are strings, numbers, booleans, lists and
			// tables: they always encode.
			panic(err)
		}
	}
	quoteStrings(k)
	quoteStrings(val)
	n.Content = append(n.Content, k, val)
}

// quoteStrings double-quotes every string scalar under n that YAML 1.1 (what
// Ansible's PyYAML reads) would take for something else: a machine "1" or
// "null", a group "yes" or "off", a value "1:20" (sexagesimal 80). yaml.v3
// writes YAML 1.2, where those are plain strings.
func quoteStrings(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Style == 0 && !plainIsString11(n.Value) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		quoteStrings(c)
	}
}

// yaml11Implicit is what YAML 1.1 reads a plain scalar as, when not a
// string: PyYAML's implicit resolvers (bool, float, int, merge, null,
// timestamp, value), and y/n, which the YAML 1.1 spec adds to its bools.
var yaml11Implicit = regexp.MustCompile(`^(?:` +
	`y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` +
	`|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` +
	`|<<|~|null|Null|NULL|` +
	`|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?` +
	`|=)$`)

// plainIsString11 reports whether YAML 1.1 reads s, written plain, as a
// string.
func plainIsString11(s string) bool { return !yaml11Implicit.MatchString(s) }

// Normalize turns whole float64 numbers (every Lua number is one) into
// integers, so that a port 8080 reaches Ansible as 8080, not 8080.0 or
// the string "1e+06".
func Normalize(v any) any {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v)
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = Normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = Normalize(e)
		}
		return out
	}
	return v
}
