package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/internal/suggest"
)

// Snapshots, reload, suspend and resume: the lifecycle beyond up, halt
// and destroy. The provider keeps the snapshots (and with each, the
// provisioning state below); the engine picks the machines, checks names,
// and keeps the cache right when a machine comes back as a new instance.

// snapshotMeta is the provisioning state saved with a snapshot: a
// restored machine is as provisioned as it was when saved.
type snapshotMeta struct {
	// Provisioned: the machine had finished its steps.
	Provisioned bool `json:"provisioned"`
	// Steps are the global steps that had run over the machine.
	Steps []string `json:"steps,omitempty"`
}

// metaOf is the provisioning state of machine name's instance id, encoded.
func (e *Env) metaOf(name, id string) string {
	e.cache.mu.Lock()
	defer e.cache.mu.Unlock()
	var m snapshotMeta
	if mc, ok := e.cache.data.Machines[name]; ok && mc.ID == id {
		m.Provisioned = mc.Provisioned
	}
	for step, sc := range e.cache.data.Steps {
		if sc.Hosts[name] == id {
			m.Steps = append(m.Steps, step)
		}
	}
	slices.Sort(m.Steps)
	b, _ := json.Marshal(m)
	return string(b)
}

// adopt records in the cache that machine name is now instance id, made
// from a snapshot whose provisioning state was meta: it is provisioned as
// the snapshot was, and the global steps that had not run over it then
// will run again.
func (e *Env) adopt(name, id, meta string) error {
	var m snapshotMeta
	if err := json.Unmarshal([]byte(meta), &m); err != nil {
		e.UI.Warnf(name, "the snapshot's provisioning state is unreadable (%v): its steps run again at the next up", err)
		m = snapshotMeta{}
	}
	return e.cache.update(func(d *cacheData) {
		d.Provider = e.Driver.Name
		old := d.Machines[name]
		d.Machines[name] = machineCache{ID: id, Provisioned: m.Provisioned, Interfaces: old.Interfaces}
		for step, sc := range d.Steps {
			if _, ok := sc.Hosts[name]; !ok {
				continue
			}
			if slices.Contains(m.Steps, step) {
				sc.Hosts[name] = id
			} else {
				delete(sc.Hosts, name)
			}
			d.Steps[step] = sc
		}
	})
}

// SnapshotRow is one snapshot in `envrun snapshot list`.
type SnapshotRow struct {
	Machine     string    `json:"machine"`
	Name        string    `json:"name"`
	Created     time.Time `json:"created"`
	Size        int64     `json:"size,omitempty"`
	Provisioned bool      `json:"provisioned"`
	ID          string    `json:"id,omitempty"`
}

// snapshotter returns the provider's snapshot power, opening it.
func (e *Env) snapshotter(ctx context.Context, readOnly bool) (provider.Snapshotter, error) {
	open := e.Open
	if readOnly {
		open = e.openReadOnly
	}
	if err := open(ctx); err != nil {
		return nil, err
	}
	s, ok := e.prov.(provider.Snapshotter)
	if !ok {
		return nil, fmt.Errorf("the %s provider cannot take snapshots: %w", e.Driver.Name, provider.ErrUnsupported)
	}
	return s, nil
}

// CheckSnapshotName checks a snapshot's name as given on the command line.
func CheckSnapshotName(snap string) error {
	ok := snap != "" && len(snap) <= 63 && isAlnum(snap[0])
	for i := 1; ok && i < len(snap); i++ {
		c := snap[i]
		ok = isAlnum(c) || c == '_' || c == '-' || c == '.'
	}
	if !ok {
		return &UsageError{fmt.Errorf("snapshot name %q: want a letter or digit, then up to 62 letters, digits, '_', '-' or '.'", snap)}
	}
	return nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// existing resolves names (all the Envfile's when none) to machines that
// exist in the backend, with their state and instance ID. A named machine
// that is not created is an error; with no names, not-created machines
// are left out (and an environment with none is an error).
func (e *Env) existing(ctx context.Context, names []string, verb string) ([]*spec.Machine, map[string]provider.MachineState, error) {
	ms, err := e.selectExact(names)
	if err != nil {
		return nil, nil, err
	}
	states, err := e.prov.Machines(ctx)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]provider.MachineState{}
	for _, s := range states {
		byName[s.Name] = s
	}
	var out []*spec.Machine
	var missing []string
	for _, m := range ms {
		if _, ok := byName[m.Name]; ok {
			out = append(out, m)
		} else {
			missing = append(missing, m.Name)
		}
	}
	switch {
	case len(names) > 0 && len(missing) > 0:
		return nil, nil, fmt.Errorf("cannot %s %s: not created (`envrun up %s` first)", verb, strings.Join(missing, ", "), strings.Join(missing, " "))
	case len(out) == 0:
		return nil, nil, fmt.Errorf("cannot %s: no machine of %s is created (`envrun up` first)", verb, e.Spec.Path)
	}
	for _, n := range missing {
		e.UI.Infof(n, "not created: left out")
	}
	return out, byName, nil
}

// SnapshotSave saves snapshot snap of the named machines (every created
// one when none). An existing snapshot of that name is an error unless
// force is set.
func (e *Env) SnapshotSave(ctx context.Context, names []string, snap string, force bool) error {
	if err := CheckSnapshotName(snap); err != nil {
		return err
	}
	sn, err := e.snapshotter(ctx, false)
	if err != nil {
		return err
	}
	ms, states, err := e.existing(ctx, names, "save a snapshot of")
	if err != nil {
		return err
	}
	if !force {
		have, err := e.listSnapshots(ctx, sn)
		if err != nil {
			return err
		}
		var dup []string
		for _, s := range have {
			if s.Name == snap && slices.ContainsFunc(ms, func(m *spec.Machine) bool { return m.Name == s.Machine }) {
				dup = append(dup, s.Machine)
			}
		}
		if len(dup) > 0 {
			return &UsageError{fmt.Errorf("%s already %s a snapshot %q: delete it first, or add --force to replace it", strings.Join(dup, ", "), plural(len(dup), "has", "have"), snap)}
		}
	}
	return e.each(ctx, machineNames(ms), "snapshot save", func(ctx context.Context, name string) error {
		if err := sn.SaveSnapshot(ctx, name, snap, e.metaOf(name, states[name].ID)); err != nil {
			return err
		}
		e.noteSnapshot(name, snap, true)
		e.UI.Infof(name, "saved snapshot %s", snap)
		return nil
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func machineNames(ms []*spec.Machine) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// Snapshots lists the snapshots of the named machines (all when none).
func (e *Env) Snapshots(ctx context.Context, names []string) ([]SnapshotRow, error) {
	if _, err := e.selectExact(names); err != nil {
		return nil, err
	}
	sn, err := e.snapshotter(ctx, true)
	if err != nil {
		return nil, err
	}
	list, err := sn.Snapshots(ctx, "")
	if err != nil {
		return nil, err
	}
	out := []SnapshotRow{}
	for _, s := range list {
		if len(names) > 0 && !slices.Contains(names, s.Machine) {
			continue
		}
		var m snapshotMeta
		json.Unmarshal([]byte(s.Meta), &m)
		out = append(out, SnapshotRow{Machine: s.Machine, Name: s.Name, Created: s.Created, Size: s.Size, Provisioned: m.Provisioned, ID: s.ID})
	}
	return out, nil
}

// SnapshotCounts returns how many snapshots each machine has, for status;
// nil when the provider keeps none.
func (e *Env) SnapshotCounts(ctx context.Context) (map[string]int, error) {
	if err := e.openReadOnly(ctx); err != nil {
		return nil, err
	}
	sn, ok := e.prov.(provider.Snapshotter)
	if !ok {
		return nil, nil
	}
	list, err := sn.Snapshots(ctx, "")
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, s := range list {
		out[s.Machine]++
	}
	return out, nil
}

// snapshotTargets resolves the machines a restore or delete of snap acts
// on: the named ones, each of which must have it, or, with no names, every
// machine that has it. It fails before anything is changed.
func (e *Env) snapshotTargets(ctx context.Context, sn provider.Snapshotter, names []string, snap string) ([]*spec.Machine, error) {
	ms, err := e.selectExact(names)
	if err != nil {
		return nil, err
	}
	list, err := e.listSnapshots(ctx, sn)
	if err != nil {
		return nil, err
	}
	has := map[string][]string{}
	all := map[string]bool{}
	for _, s := range list {
		has[s.Machine] = append(has[s.Machine], s.Name)
		all[s.Name] = true
	}
	var out []*spec.Machine
	var lacking []string
	for _, m := range ms {
		if slices.Contains(has[m.Name], snap) {
			out = append(out, m)
		} else if len(names) > 0 {
			lacking = append(lacking, m.Name)
		}
	}
	var known []string
	for n := range all {
		known = append(known, n)
	}
	slices.Sort(known)
	if len(lacking) > 0 {
		var which []string
		for _, n := range lacking {
			h := "none"
			if len(has[n]) > 0 {
				h = strings.Join(has[n], ", ")
			}
			which = append(which, fmt.Sprintf("%s has %s", n, h))
		}
		return nil, &UsageError{fmt.Errorf("no snapshot %q of %s%s (%s)", snap, strings.Join(lacking, ", "), suggest.DidYouMean(snap, known), strings.Join(which, "; "))}
	}
	if len(out) == 0 {
		what := "no machine has snapshots"
		if len(known) > 0 {
			what = "there are: " + strings.Join(known, ", ")
		}
		return nil, &UsageError{fmt.Errorf("no snapshot %q in this environment%s (%s)", snap, suggest.DidYouMean(snap, known), what)}
	}
	return out, nil
}

// SnapshotRestore brings the named machines (every machine that has snap
// when none) back to snapshot snap, and waits for their SSH.
func (e *Env) SnapshotRestore(ctx context.Context, names []string, snap string) error {
	if err := CheckSnapshotName(snap); err != nil {
		return err
	}
	sn, err := e.snapshotter(ctx, false)
	if err != nil {
		return err
	}
	ms, err := e.snapshotTargets(ctx, sn, names, snap)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		for _, m := range e.Spec.Machines {
			if !slices.Contains(ms, m) {
				e.UI.Infof(m.Name, "has no snapshot %s: left as it is", snap)
			}
		}
	}
	return e.each(ctx, machineNames(ms), "snapshot restore", func(ctx context.Context, name string) error {
		return e.restore1(ctx, sn, e.Spec.Machine(name), snap)
	})
}

func (e *Env) restore1(ctx context.Context, sn provider.Snapshotter, m *spec.Machine, snap string) error {
	t0 := time.Now()
	e.forgetConn(m.Name)
	// Until the snapshot's provisioning state is adopted, the machine's
	// recorded state may not be its disk's (a libvirt VM reverted keeps
	// its ID): a run cut off here leaves the restore to finish.
	if err := e.cache.update(func(d *cacheData) {
		mc := d.Machines[m.Name]
		mc.Restoring = snap
		d.Machines[m.Name] = mc
	}); err != nil {
		return err
	}
	inst, err := sn.RestoreSnapshot(ctx, m, snap)
	if err != nil {
		return err
	}
	if err := e.adopt(m.Name, inst.ID, inst.SnapshotMeta); err != nil {
		return err
	}
	if err := e.pin(ctx, m, inst); err != nil {
		return err
	}
	c, err := e.connect(ctx, m, inst)
	if err != nil {
		return err
	}
	if inst.Woke {
		e.syncClock(ctx, m.Name, c)
	}
	e.UI.Infof(m.Name, "restored snapshot %s, SSH ready at %s (%.1fs)", snap, inst.Addr, time.Since(t0).Seconds())
	return nil
}

// finishRestore finishes the restore of machine m that a run cut off
// (killed between starting it and adopting the snapshot's provisioning
// state): the snapshot is restored again. One that is gone leaves the
// machine as it is, unprovisioned: its steps run again.
func (e *Env) finishRestore(ctx context.Context, m *spec.Machine) error {
	e.cache.mu.Lock()
	snap := e.cache.data.Machines[m.Name].Restoring
	e.cache.mu.Unlock()
	if snap == "" {
		return nil
	}
	sn, ok := e.prov.(provider.Snapshotter)
	if !ok {
		return nil
	}
	e.UI.Warnf(m.Name, "the restore of snapshot %s was cut off: restoring it again", snap)
	err := e.restore1(ctx, sn, m, snap)
	if errors.Is(err, provider.ErrNoSnapshot) {
		e.UI.Warnf(m.Name, "snapshot %s is gone: the machine is left as it is, and its steps run again", snap)
		return e.cache.update(func(d *cacheData) {
			d.Machines[m.Name] = machineCache{Interfaces: d.Machines[m.Name].Interfaces}
			for step, sc := range d.Steps {
				delete(sc.Hosts, m.Name)
				d.Steps[step] = sc
			}
		})
	}
	return err
}

// SnapshotDelete deletes snapshot snap of the named machines (of every
// machine that has it when none).
func (e *Env) SnapshotDelete(ctx context.Context, names []string, snap string) error {
	if err := CheckSnapshotName(snap); err != nil {
		return err
	}
	sn, err := e.snapshotter(ctx, false)
	if err != nil {
		return err
	}
	ms, err := e.snapshotTargets(ctx, sn, names, snap)
	if err != nil {
		return err
	}
	return e.each(ctx, machineNames(ms), "snapshot delete", func(ctx context.Context, name string) error {
		if err := sn.DeleteSnapshot(ctx, name, snap); err != nil {
			return err
		}
		e.noteSnapshot(name, snap, false)
		e.UI.Infof(name, "deleted snapshot %s", snap)
		return nil
	})
}

// pushPrefix starts the names of the snapshots push makes.
const pushPrefix = "push-"

// SnapshotPush saves an unnamed snapshot (push-UNIXNANO) of the named
// machines (every created one when none) and returns its name.
func (e *Env) SnapshotPush(ctx context.Context, names []string) (string, error) {
	snap := pushPrefix + strconv.FormatInt(time.Now().UnixNano(), 10)
	return snap, e.SnapshotSave(ctx, names, snap, false)
}

// SnapshotPop restores each named machine (every machine with a pushed
// snapshot when none) to its last pushed snapshot and, unless keep is
// set, deletes that snapshot.
func (e *Env) SnapshotPop(ctx context.Context, names []string, keep bool) error {
	ms, err := e.selectExact(names)
	if err != nil {
		return err
	}
	sn, err := e.snapshotter(ctx, false)
	if err != nil {
		return err
	}
	list, err := e.listSnapshots(ctx, sn)
	if err != nil {
		return err
	}
	last := map[string]string{} // oldest first: the last one wins
	for _, s := range list {
		if strings.HasPrefix(s.Name, pushPrefix) {
			last[s.Machine] = s.Name
		}
	}
	var targets, none []string
	for _, m := range ms {
		if last[m.Name] != "" {
			targets = append(targets, m.Name)
		} else if len(names) > 0 {
			none = append(none, m.Name)
		}
	}
	switch {
	case len(none) > 0:
		return &UsageError{fmt.Errorf("no pushed snapshot of %s: `envrun snapshot push` saves one", strings.Join(none, ", "))}
	case len(targets) == 0:
		return &UsageError{errors.New("no pushed snapshot in this environment: `envrun snapshot push` saves one")}
	}
	return e.each(ctx, targets, "snapshot pop", func(ctx context.Context, name string) error {
		if err := e.restore1(ctx, sn, e.Spec.Machine(name), last[name]); err != nil {
			return err
		}
		if keep {
			return nil
		}
		if err := sn.DeleteSnapshot(ctx, name, last[name]); err != nil {
			return err
		}
		e.noteSnapshot(name, last[name], false)
		e.UI.Infof(name, "deleted snapshot %s", last[name])
		return nil
	})
}

// listSnapshots asks the provider for every snapshot of the environment and
// records their names in the cache, for shell completion. Only commands that
// hold the environment's lock call it: the cache is theirs to write.
func (e *Env) listSnapshots(ctx context.Context, sn provider.Snapshotter) ([]provider.SnapshotInfo, error) {
	list, err := sn.Snapshots(ctx, "")
	if err != nil {
		return nil, err
	}
	e.noteSnapshots(func(have map[string][]string) {
		clear(have)
		for _, s := range list {
			have[s.Machine] = append(have[s.Machine], s.Name)
		}
	})
	return list, nil
}

// noteSnapshot records that machine has snapshot snap now, or, with !has,
// no longer has it.
func (e *Env) noteSnapshot(machine, snap string, has bool) {
	e.noteSnapshots(func(have map[string][]string) {
		l := slices.DeleteFunc(have[machine], func(n string) bool { return n == snap })
		if has {
			l = append(l, snap)
		}
		if len(l) == 0 {
			delete(have, machine)
		} else {
			have[machine] = l
		}
	})
}

// noteSnapshots changes the cache's snapshot names with f. A failure to
// write is a warning: the names serve completion only.
func (e *Env) noteSnapshots(f func(have map[string][]string)) {
	err := e.cache.update(func(d *cacheData) {
		if d.Snapshots == nil {
			d.Snapshots = map[string][]string{}
		}
		f(d.Snapshots)
	})
	if err != nil {
		e.UI.Warnf("", "record snapshot names: %v", err)
	}
}

// CachedSnapshots returns the snapshot names, by machine, that the state
// folder st records: what envrun last saw or made, read without asking the
// backend (for shell completion). Nil when there is no readable record.
func CachedSnapshots(st state.Dir) map[string][]string {
	var d cacheData
	if state.ReadJSON(st.Join("state.json"), &d) != nil {
		return nil
	}
	return d.Snapshots
}
