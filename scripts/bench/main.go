// Command bench measures envrun side by side with Vagrant's docker provider
// and a hand-written shell script (the floor, floor.sh) on this machine, in
// one run: the scenarios S1–S6 of the benchmark issue (and S7–S8: tree
// uploads and watch sync, next to tar | ssh and rsync; S10: a libvirt VM next
// to raw libvirt, and no-op up with two VMs), several repetitions,
// medians, and ratios computed pair by pair (the sides of one repetition
// run back to back, in an order that rotates).
//
//	go run ./scripts/bench                      # everything, by hand (half an hour on 2 cores)
//	go run ./scripts/bench -short               # S1 and S2, one repetition, no Vagrant (CI)
//	go run ./scripts/bench -s S3,S4 -sizes 2,6 -reps 3 -vagrant-max 6
//	go run ./scripts/bench -s S7,S8 -vagrant-max 0  # uploads and watch sync, quiet and loaded
//	go run ./scripts/bench -s S9 -vagrant-max 0     # snapshot restore of the two-host example
//	go run ./scripts/bench -s S10 -vagrant-max 0    # libvirt: one VM vs raw virsh, no-op up with two
//
// It sets up what it needs (Debian's vagrant, ansible, openssh-client and
// gnuplot-nox packages, the box image, a Vagrant-ready image built from
// it), removes everything it made when it ends, and prints Markdown tables
// (also written, with the raw figures as JSON and the S3 plot, to -out).
// Vagrant is kept off the internet: no box, no plugins, no version check.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// config is the command line.
type config struct {
	short      bool
	reps       int
	scenarios  []string
	sizes      []int
	vagrantMax int
	ansible    bool
	work, out  string
	plot       string
}

func (c *config) want(s string) bool { return slices.Contains(c.scenarios, s) }

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	c := &config{}
	var scen, sizes string
	fs.BoolVar(&c.short, "short", false, "S1 and S2 with one repetition, two machines, no Vagrant (what CI runs)")
	fs.IntVar(&c.reps, "reps", 5, "repetitions of each timed command")
	fs.StringVar(&scen, "s", "S1,S2,S3,S4,S5,S6", "scenarios to run")
	fs.StringVar(&sizes, "sizes", "2,6,10,20", "machine counts for S3 and S4 (S2 uses 2 and 20 where listed)")
	fs.IntVar(&c.vagrantMax, "vagrant-max", 6, "the largest environment Vagrant is measured on; 0 leaves Vagrant out")
	fs.BoolVar(&c.ansible, "ansible", true, "include S1's Ansible run (false: shell and file steps only)")
	fs.StringVar(&c.work, "work", filepath.Join(os.TempDir(), "envrun-bench"), "work folder (environments, logs, keys)")
	fs.StringVar(&c.out, "out", "", "folder for results.md, results.json and the S3 plot (default WORK/results)")
	fs.StringVar(&c.plot, "plot", "", "also write the S3 plot (PNG) to this file")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	for _, s := range strings.Split(scen, ",") {
		s = strings.ToUpper(strings.TrimSpace(s))
		if !slices.Contains([]string{"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10"}, s) {
			return nil, fmt.Errorf("-s: unknown scenario %q (S1 to S10)", s)
		}
		c.scenarios = append(c.scenarios, s)
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 200 {
			return nil, fmt.Errorf("-sizes: %q is not a machine count from 1 to 200", s)
		}
		c.sizes = append(c.sizes, n)
	}
	if c.short {
		c.reps, c.scenarios, c.sizes, c.vagrantMax = 1, []string{"S1", "S2"}, []int{2}, 0
	}
	if c.reps < 1 {
		return nil, errors.New("-reps must be at least 1")
	}
	if c.out == "" {
		c.out = filepath.Join(c.work, "results")
	}
	var err error
	if c.work, err = filepath.Abs(c.work); err != nil {
		return nil, err
	}
	if c.out, err = filepath.Abs(c.out); err != nil {
		return nil, err
	}
	return c, nil
}

func main() {
	c, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		if ctx.Err() != nil {
			os.Exit(130)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, c *config) error {
	b, err := newBench(c)
	if err != nil {
		return err
	}
	if err := b.setup(ctx); err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	b.sweep() // what an interrupted earlier run left
	defer b.sweep()
	err = b.scenarios(ctx)
	if rerr := b.report(); rerr != nil && err == nil {
		err = rerr
	}
	return err
}
