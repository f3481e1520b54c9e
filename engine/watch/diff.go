package watch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/spec"
)

// Diff is what changed between two loads of an Envfile.
type Diff struct {
	Added   []string // machines new in the Envfile, in its order
	Removed []string // machines it no longer names
	// Remake lists, per machine in both, the settings that changed and
	// that only making the machine anew applies (memory, networks, ...).
	Remake map[string][]string
	// Steps are the new or changed steps of machines in both, then the new
	// or changed global steps, in Envfile order. Steps of added machines
	// are not listed: bringing the machine up runs them. Nor are steps
	// with run = "never": only --step runs those.
	Steps []engine.StepRef
}

// Empty reports whether nothing changed that the watch acts on or reports.
func (d *Diff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Remake) == 0 && len(d.Steps) == 0
}

// Compare diffs two loads of an Envfile. A step is known by its machine and
// name; it changed when its fingerprint did.
func Compare(old, cur *spec.Envfile) *Diff {
	d := &Diff{Remake: map[string][]string{}}
	for _, m := range cur.Machines {
		om := old.Machine(m.Name)
		if om == nil {
			d.Added = append(d.Added, m.Name)
			continue
		}
		if keys := remakeKeys(om, m); len(keys) > 0 {
			d.Remake[m.Name] = keys
		}
		for _, s := range m.Steps {
			if s.Info().Run == spec.RunNever {
				continue // only --step runs it
			}
			prev := machineStep(om, s.Info().Name)
			if prev == nil || Fingerprint(old, om, prev) != Fingerprint(cur, m, s) {
				d.Steps = append(d.Steps, engine.StepRef{Machine: m.Name, Step: s.Info().Name})
			}
		}
	}
	for _, m := range old.Machines {
		if cur.Machine(m.Name) == nil {
			d.Removed = append(d.Removed, m.Name)
		}
	}
	for _, s := range cur.Steps {
		if s.Info().Run == spec.RunNever {
			continue
		}
		prev := old.Step(s.Info().Name)
		if prev == nil || Fingerprint(old, nil, prev) != Fingerprint(cur, nil, s) {
			d.Steps = append(d.Steps, engine.StepRef{Step: s.Info().Name})
		}
	}
	return d
}

func machineStep(m *spec.Machine, name string) spec.Step {
	for _, s := range m.Steps {
		if s.Info().Name == name {
			return s
		}
	}
	return nil
}

// machineSettings are the settings of a machine that the provider bakes
// into it when making it, by Envfile key.
func machineSettings(m *spec.Machine) map[string]any {
	out := map[string]any{
		"hostname":       m.Hostname,
		"box":            m.Box,
		"user":           m.User,
		"networks":       m.Networks,
		"cpus":           m.CPUs,
		"memory":         m.Memory,
		"ports":          m.Ports,
		"synced_folders": m.MountedFolders(), // an rsync folder is a step
	}
	for name, o := range m.Providers {
		out[name] = o.Values
	}
	return out
}

// remakeKeys lists the settings that differ between two versions of a
// machine and need it made anew, sorted.
func remakeKeys(old, cur *spec.Machine) []string {
	a, b := machineSettings(old), machineSettings(cur)
	var keys []string
	for k, v := range b {
		if digest(v) != digest(a[k]) {
			keys = append(keys, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// Fingerprint is a digest of what a step does: its settings (not its
// position, timeout or watch list) and what it reads of its machines — m's
// user for a machine step; for a global step, each host's name, hostname,
// addresses, user, groups and variables (the inventory). It changes when
// editing the Envfile changes what the step would do. Files the step reads
// are not part of it: the watch sees those change by themselves.
func Fingerprint(ef *spec.Envfile, m *spec.Machine, s spec.Step) string {
	type host struct {
		Name, Hostname, User string
		Networks             []spec.Attachment
		Groups               []string
		Vars                 map[string]any
	}
	var fp struct {
		Kind  string
		Step  any
		Hosts []host
	}
	fp.Kind = s.Info().Kind
	switch s := s.(type) {
	case *spec.Shell:
		c := *s
		c.StepInfo = spec.StepInfo{}
		fp.Step = c
	case *spec.File:
		c := *s
		c.StepInfo = spec.StepInfo{}
		fp.Step = c
	case *spec.Hook:
		fp.Step = s.Digest
	case *spec.Ansible:
		c := *s
		c.StepInfo = spec.StepInfo{}
		c.Hosts = slices.Sorted(slices.Values(s.Hosts))
		fp.Step = c
	default:
		fp.Step = s
	}
	if m != nil {
		fp.Hosts = []host{{User: m.User}}
	}
	if a, ok := s.(*spec.Ansible); ok {
		for _, h := range slices.Sorted(slices.Values(a.Hosts)) {
			if hm := ef.Machine(h); hm != nil {
				fp.Hosts = append(fp.Hosts, host{Name: hm.Name, Hostname: hm.Hostname, User: hm.User, Networks: hm.Networks, Groups: hm.Groups, Vars: hm.Vars})
			}
		}
	}
	return digest(fp)
}

// digest hashes v's JSON (maps come out with sorted keys). A value that
// cannot be encoded gets a digest of its own each time: taken as changed.
func digest(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		data = fmt.Appendf(nil, "%p %v", &v, err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
