package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/timing"
)

// machineNode brings a machine up (or finds it running), pins its host key
// and connects; it decides whether the machine's steps run in this walk.
type machineNode struct {
	nodeBase
	p   *plan
	run *machineRun
	// recorder has where its time went (the provider's calls, the SSH
	// wait), for --timings and the live display.
	recorder timing.Recorder
}

func (n *machineNode) ID() string { return machineID(n.run.m.Name) }

func (n *machineNode) Execute(ctx context.Context) error {
	e, m := n.p.e, n.run.m
	e.observePhases(n)
	ctx = timing.With(ctx, &n.recorder)
	t0 := time.Now()
	if inst, ok := e.liveInstance(m.Name); ok && len(n.p.opts.Steps) > 0 {
		// A partial run (envrun watch) on a machine whose connection
		// lasts: it runs as it was when connected, and asking the backend
		// again would only slow the re-run down.
		n.run.mu.Lock()
		n.run.inst, n.run.provision = inst, true
		n.run.mu.Unlock()
		e.UI.Debugf(m.Name, "connected already")
		return nil
	}
	if err := e.finishRestore(ctx, m); err != nil {
		return err
	}
	var inst *provider.Instance
	var err error
	if meta, ok := e.reloadMeta(m.Name); ok && n.p.opts.Reload {
		e.forgetConn(m.Name)
		inst, err = e.prov.(provider.Reloader).Reload(ctx, m, meta)
	} else {
		inst, err = e.prov.Up(ctx, m)
	}
	if err != nil {
		return err
	}
	if err := e.pin(ctx, m, inst); err != nil {
		return err
	}
	if inst.Created {
		// A new instance: made from its box it is unprovisioned; made
		// from a snapshot (a restore or reload finished by this run, or
		// a reload keeping the disk) it is as provisioned as that was.
		e.forgetConn(m.Name)
		var err error
		if inst.SnapshotMeta != "" {
			err = e.adopt(m.Name, inst.ID, inst.SnapshotMeta)
		} else {
			err = e.cache.update(func(d *cacheData) {
				d.Provider = e.Driver.Name
				d.Machines[m.Name] = machineCache{ID: inst.ID}
			})
		}
		if err != nil {
			return err
		}
	}
	var run bool
	switch n.p.opts.Provision {
	case ProvisionForce:
		run = true
	case ProvisionAuto:
		run = !e.cache.provisioned(m.Name, inst.ID)
	}
	n.run.mu.Lock()
	n.run.inst, n.run.provision = inst, run
	n.run.mu.Unlock()
	if !inst.Started && !run && inst.Settle == nil {
		e.UI.Debugf(m.Name, "running, nothing to do")
		return nil
	}
	if err := pause.At(ctx, "ssh-wait:"+m.Name); err != nil {
		return err
	}
	c, err := e.connect(ctx, m, inst)
	if err != nil {
		return err
	}
	if inst.Woke {
		e.syncClock(ctx, m.Name, c)
	}
	if inst.Settle != nil {
		addr := inst.Addr
		if err := inst.Settle(ctx, c.Run); err != nil {
			return err
		}
		if inst.Addr != addr {
			// The machine's sshd moved (libvirt: a reload's ssh.port):
			// its key is pinned at the new address, and the connection
			// that every later step and command uses goes there.
			if err := e.pin(ctx, m, inst); err != nil {
				return err
			}
			e.forgetConn(m.Name)
			if _, err := e.connect(ctx, m, inst); err != nil {
				return fmt.Errorf("its sshd moved to %s, and envrun cannot reach it there: %w", inst.Addr, err)
			}
		}
	}
	what := "up"
	if inst.Created {
		what = "created"
	} else if inst.Started {
		what = "started"
	}
	if len(n.p.opts.Steps) > 0 && what == "up" {
		// A partial run on a running machine: nothing worth a line.
		e.UI.Debugf(m.Name, "up, SSH ready at %s (%s)", inst.Addr, time.Since(t0).Round(time.Millisecond))
		return nil
	}
	e.UI.Infof(m.Name, "%s, SSH ready at %s (%.1fs)", what, inst.Addr, time.Since(t0).Seconds())
	return nil
}

func (n *machineNode) scope() string     { return n.run.m.Name }
func (n *machineNode) upMachine() string { return n.run.m.Name }

func (n *machineNode) dotAttrs() string {
	m := n.run.m
	label := "machine " + m.Name
	if ip := m.IP(); ip.IsValid() {
		label += `\n` + ip.String()
	}
	return fmt.Sprintf(`shape=box3d, label="%s", tooltip="%s"`, label, m.Pos)
}

func (n *machineNode) timingKind() (string, string) { return "machine", "" }
func (n *machineNode) phases() []timing.Phase       { return n.recorder.Phases() }

// row: a machine's row lives from its machine node's start to its done
// node's end, and shows its phases (observePhases) and steps.
func (n *machineNode) row() (string, string) { return n.run.m.Name, n.run.m.Name }

func (n *machineNode) showStart(w *walkProgress) {
	w.e.UI.Start(n.run.m.Name)
	w.e.UI.Phase(n.run.m.Name, "checking")
}

// skipped: a machine is skipped when a machine it depends on was not
// provisioned; its steps are counted on its line.
func (n *machineNode) skipped(s *skipReport) (key, what, why string) {
	m := n.run.m
	var deps []string
	for _, d := range m.DependsOn {
		if s.notOK(doneID(d)) {
			deps = append(deps, d)
		}
	}
	what = n.ID()
	if len(m.Steps) > 0 && s.rep.Result(stepID(m.Name, m.Steps[0].Info().Name)) != nil {
		what += fmt.Sprintf(" and its %d step(s)", len(m.Steps))
	}
	return n.ID(), what, "depends_on " + strings.Join(deps, ", ")
}
