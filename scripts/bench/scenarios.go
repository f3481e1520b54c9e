package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// scenarios runs the chosen scenarios in order.
func (b *bench) scenarios(ctx context.Context) error {
	steps := []struct {
		name string
		want bool
		run  func(context.Context) error
	}{
		{"S1", b.want("S1"), b.s1},
		{"S2–S4", b.want("S2") || b.want("S3") || b.want("S4"), b.growth},
		{"S5", b.want("S5"), b.s5},
		{"S6", b.want("S6"), b.s6},
		{"S7–S8", b.want("S7") || b.want("S8"), b.uploads},
		{"S9", b.want("S9"), b.s9},
		{"S10", b.want("S10"), b.libvirtVM},
	}
	for _, s := range steps {
		if !s.want {
			continue
		}
		before := loadavg()
		err := s.run(ctx)
		b.loads = append(b.loads, fmt.Sprintf("%s: load %s before, %s after", s.name, before, loadavg()))
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// sides in the order of repetition rep: the order rotates, so no side
// always runs first (or right after another's clean-up).
func (b *bench) sides(rep, machines int, floor bool) []string {
	all := []string{envrunSide}
	if b.vagrantMax >= machines {
		all = append(all, vagrantSide)
	}
	if floor {
		all = append(all, floorSide)
	}
	k := rep % len(all)
	return append(all[k:], all[:k]...)
}

// env is one environment of one side, written in its folder.
type env struct {
	side, dir string
	l         layout
}

// prepare writes side's files for layout l in WORK/SIDE/NAME.
func (b *bench) prepare(side, name string, l layout) (*env, error) {
	dir := filepath.Join(b.work, side, name)
	playbook, err := readPlaybook(b.repo)
	if err != nil {
		return nil, err
	}
	files := map[string]string{fileSrc: motd, "provision.yml": playbook}
	switch side {
	case envrunSide:
		l.Subnet = envrunNet
		files["Envfile.lua"] = envfile(l, "benchnet")
	case vagrantSide:
		l.Subnet = vagrantNet
		files["Vagrantfile"] = vagrantfile(l, vagrantImage, vagrantLabel)
	case floorSide:
		l.Subnet = floorNet
		files["floor.conf"], files["hosts"] = floorConf(l, "envrun-bench-floor", vagrantImage, b.floorKey, floorLabel)
	}
	if err := writeFiles(dir, files); err != nil {
		return nil, err
	}
	return &env{side: side, dir: dir, l: l}, nil
}

// Actions on an environment.
const (
	actUp      = "up"
	actUpAgain = "up-again"
	actStatus  = "status"
	actDestroy = "destroy"
)

// argv is the command of action on side; nil when the side has none.
func (b *bench) argv(side, action string) []string {
	floor := []string{"bash", filepath.Join(b.repo, "scripts", "bench", "floor.sh")}
	switch side + " " + action {
	case "envrun up":
		return []string{b.envrun, "up", "--timings"}
	case "envrun up-again":
		return []string{b.envrun, "up"}
	case "envrun status":
		return []string{b.envrun, "status"}
	case "envrun destroy":
		return []string{b.envrun, "destroy", "-f"}
	case "vagrant up", "vagrant up-again":
		return []string{"vagrant", "up"}
	case "vagrant status":
		return []string{"vagrant", "status"}
	case "vagrant destroy":
		return []string{"vagrant", "destroy", "-f"}
	case "floor up":
		return append(floor, "up")
	case "floor destroy":
		return append(floor, "down")
	}
	return nil
}

// do runs action on e and returns its seconds.
func (b *bench) do(ctx context.Context, e *env, action string, rep int) (result, error) {
	var extra []string
	if e.side == vagrantSide {
		// Ansible's SSH control sockets of this run's own: a socket left
		// by an earlier repetition would point at a removed container.
		extra = append(extra, "ANSIBLE_SSH_CONTROL_PATH_DIR="+filepath.Join(e.dir, fmt.Sprintf("cp-%d", rep)))
	}
	label := fmt.Sprintf("%s-%s-%s-%d", e.side, filepath.Base(e.dir), action, rep)
	r, err := b.timed(ctx, e.dir, label, extra, b.argv(e.side, action)...)
	if err == nil {
		progress("%-8s %-10s %-9s rep %d: %s", e.side, filepath.Base(e.dir), action, rep+1, fmtSeconds(r.seconds))
	}
	return r, err
}

// check proves that an up did the work: every machine runs and has the
// files its steps make. A Vagrant environment that fails it is recorded
// (Vagrant's Ansible-on-the-last-machine trick can run before the other
// machines are ready).
func (b *bench) check(ctx context.Context, e *env) error {
	filter := "label=" + floorLabel
	switch e.side {
	case envrunSide:
		filter = "label=" + envfileLabel + "=" + filepath.Join(e.dir, "Envfile.lua")
	case vagrantSide:
		filter = "label=" + vagrantLabel
	}
	out, err := output(ctx, "docker", "ps", "-q", "--filter", filter, "--filter", "status=running")
	if err != nil {
		return err
	}
	ids := strings.Fields(out)
	if len(ids) != e.l.Machines {
		return fmt.Errorf("%s: %d running machine(s), want %d", e.side, len(ids), e.l.Machines)
	}
	test := "test -f /tmp/ready"
	if e.l.File {
		test += " && test -f " + fileDst
	}
	if e.l.Ansible {
		test += " && test -f /home/vagrant/greeting"
	}
	for _, id := range ids {
		if _, err := output(ctx, "docker", "exec", id, "sh", "-c", test); err != nil {
			return fmt.Errorf("%s: container %s lacks what its steps make (%s)", e.side, id[:12], test)
		}
	}
	return nil
}

// Vagrant's failures are recorded, not fatal: the comparison goes on.
func (b *bench) vagrantFailed(what string, rep int, err error) {
	b.notes = append(b.notes, fmt.Sprintf("Vagrant failed `%s` in repetition %d: %s", what, rep+1, failureReason(err)))
	progress("vagrant: %s failed in rep %d (recorded): %v", what, rep+1, err)
}

// failureReason is the line of a failed command's output that says why:
// Vagrant's "Stderr:" line of the Docker command that failed (looked for in
// the command's whole log), or the error's first line.
func failureReason(err error) string {
	text := err.Error()
	var ce *cmdError
	if errors.As(err, &ce) {
		if data, rerr := os.ReadFile(ce.log); rerr == nil {
			text = string(data) + "\n" + text
		}
	}
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "Stderr: ") && len(l) > len("Stderr: ") {
			return strings.TrimPrefix(l, "Stderr: ")
		}
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return first
}

// cleanUp destroys e untimed, after a failure.
func (b *bench) cleanUp(ctx context.Context, e *env) {
	b.timed(context.WithoutCancel(ctx), e.dir, e.side+"-cleanup", nil, b.argv(e.side, actDestroy)...)
}

// s1 is the contract's two-host example from nothing: shell and file
// steps, one Ansible run over both machines.
func (b *bench) s1(ctx context.Context) error {
	l := layout{Machines: 2, File: true, Ansible: b.ansible}
	what := "two-host example up from nothing, provisioned"
	if !b.ansible {
		what += " (without its Ansible run)"
	}
	m := newMeasure("S1", what, 2)
	d := newMeasure("S4", "destroy the two-host example", 2)
	b.results = append(b.results, m, d)
	for rep := range b.reps {
		for _, side := range b.sides(rep, 2, true) {
			e, err := b.prepare(side, "s1", l)
			if err != nil {
				return err
			}
			if err := b.upDown(ctx, e, rep, m, d, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// upDown times an up (checked) and a destroy of e, recording them in up
// and down; between the two, between runs f (S2's no-op measures).
func (b *bench) upDown(ctx context.Context, e *env, rep int, up, down *measure, between func(*env) error) error {
	r, err := b.do(ctx, e, actUp, rep)
	if err == nil {
		err = b.check(ctx, e)
		if err == nil {
			up.add(e.side, rep, r.seconds)
		}
	}
	if err != nil {
		if e.side != vagrantSide || ctx.Err() != nil {
			b.cleanUp(ctx, e)
			return err
		}
		b.vagrantFailed(actUp, rep, err)
	}
	if err == nil && between != nil {
		if err := between(e); err != nil {
			b.cleanUp(ctx, e)
			return err
		}
	}
	r, err = b.do(ctx, e, actDestroy, rep)
	if err != nil {
		if e.side != vagrantSide || ctx.Err() != nil {
			return err
		}
		b.vagrantFailed(actDestroy, rep, err)
		b.cleanUp(ctx, e)
		return nil
	}
	if down != nil {
		down.add(e.side, rep, r.seconds)
	}
	return nil
}

// growth is S3 (up from nothing, one shell step per machine, at each size),
// S4 (destroy of those) and S2 (no-op up and status on the up environment,
// at 2 and 20 machines), sharing the environments.
func (b *bench) growth(ctx context.Context) error {
	for _, n := range b.sizes {
		noop := b.want("S2") && (n == 2 || n == 20)
		timedUp := b.want("S3") || b.want("S4")
		if !noop && !timedUp {
			continue
		}
		reps := b.reps
		if !timedUp {
			reps = 1
		}
		l := layout{Machines: n}
		up := newMeasure("S3", "up from nothing, one shell step each", n)
		down := newMeasure("S4", "destroy", n)
		again := newMeasure("S2", "no-op up", n)
		status := newMeasure("S2", "status", n)
		if b.want("S3") {
			b.results = append(b.results, up)
		}
		if b.want("S4") {
			b.results = append(b.results, down)
		}
		if noop {
			b.results = append(b.results, again, status)
		}
		// S2 runs on each side's first environment that came up.
		noopDone := map[string]bool{floorSide: true}
		for rep := range reps {
			for _, side := range b.sides(rep, n, timedUp) {
				e, err := b.prepare(side, fmt.Sprintf("n%d", n), l)
				if err != nil {
					return err
				}
				var between func(*env) error
				if noop && !noopDone[side] {
					between = func(e *env) error {
						noopDone[e.side] = true
						return b.noop(ctx, e, again, status)
					}
				}
				if err := b.upDown(ctx, e, rep, up, down, between); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// noop times S2's commands b.reps times on an up environment.
func (b *bench) noop(ctx context.Context, e *env, again, status *measure) error {
	for rep := range b.reps {
		for _, a := range []struct {
			action string
			m      *measure
		}{{actUpAgain, again}, {actStatus, status}} {
			r, err := b.do(ctx, e, a.action, rep)
			if err != nil {
				if e.side == vagrantSide && ctx.Err() == nil {
					b.vagrantFailed(a.action, rep, err)
					continue
				}
				return err
			}
			a.m.add(e.side, rep, r.seconds)
		}
	}
	return nil
}

// s5 is `envrun watch`'s latency, from writing a step's script to the
// start of that step, on real Docker machines: the watch's own benchmark
// (cli/watch_bench_test.go, 25 changes), run in this benchmark's subnet.
func (b *bench) s5(ctx context.Context) error {
	r, err := b.timed(ctx, b.repo, "s5-watch-latency", []string{"ENVRUN_WATCH_BENCH_NET=" + watchNet},
		"go", "test", "./cli", "-run", "^$", "-bench", "^BenchmarkIntegrationWatchLatency$", "-benchtime", "1x", "-count", "1")
	if err != nil {
		return err
	}
	out, err := os.ReadFile(r.log)
	if err != nil {
		return err
	}
	metrics := parseBench(string(out))["BenchmarkIntegrationWatchLatency"]
	if len(metrics["step-median-ms"]) == 0 {
		return fmt.Errorf("the watch benchmark printed no latency (log %s)", r.log)
	}
	m := newMeasure("S5", "`envrun watch`: file write → step start, median of 25 changes", 2)
	m.add(envrunSide, 0, metrics["step-median-ms"][0]/1000)
	m.Extra = map[string]float64{}
	for _, k := range []string{"step-p90-ms", "remote-median-ms", "remote-p90-ms"} {
		if v := metrics[k]; len(v) > 0 {
			m.Extra[k] = v[0]
		}
	}
	b.results = append(b.results, m)
	progress("envrun   watch latency: median %.0f ms (p90 %.0f ms)", metrics["step-median-ms"][0], m.Extra["step-p90-ms"])
	return nil
}
