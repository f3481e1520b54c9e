package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/provider"
)

// `envrun status --all` is Vagrant's global-status, without its index
// file: the machines are read from the providers themselves (the labels
// and metadata envrun puts on every container and VM name its
// environment and Envfile), so the list cannot go stale and needs no
// Envfile. Every provider is asked at once; one whose backend does not
// answer is skipped with a warning, unless it was asked for by
// --provider.

// allStatusTimeout bounds the wait for one backend's answer.
const allStatusTimeout = 20 * time.Second

// envMachine is a row of status --all.
type envMachine struct {
	provider.EnvMachine
	// Missing: the Envfile is no longer where the machine was made from.
	Missing bool `json:"envfile_missing,omitempty"`
}

// allMachines asks every provider that can list its machines (or only
// prov's) for those of every envrun environment.
func (a *app) allMachines(ctx context.Context, prov string) ([]envMachine, error) {
	var drivers []*provider.Driver
	for _, d := range Drivers {
		switch {
		case prov != "" && d.Name != prov:
		case d.AllMachines == nil || (d.NotBuilt != nil && prov == ""):
		default:
			drivers = append(drivers, d)
		}
	}
	if prov != "" && len(drivers) == 0 {
		d, err := provider.Lookup(Drivers, prov)
		if err != nil {
			return nil, &engine.UsageError{Err: err}
		}
		if d.NotBuilt != nil {
			return nil, d.NotBuilt
		}
		return nil, fmt.Errorf("the %s provider cannot list its machines", d.Name)
	}
	found := make([][]provider.EnvMachine, len(drivers))
	errs := make([]error, len(drivers))
	var wg sync.WaitGroup
	for i, d := range drivers {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, allStatusTimeout)
			defer cancel()
			found[i], errs[i] = d.AllMachines(ctx)
		})
	}
	wg.Wait()
	var out []envMachine
	exists := map[string]bool{}
	for i, d := range drivers {
		if errs[i] != nil {
			if prov != "" {
				return nil, fmt.Errorf("%s: %w", d.Name, errs[i])
			}
			a.ui.Warnf("status", "%s skipped: %v", d.Name, errs[i])
			continue
		}
		for _, m := range found[i] {
			ok, seen := exists[m.Envfile]
			if !seen {
				_, err := os.Stat(m.Envfile)
				ok = m.Envfile != "" && !errors.Is(err, os.ErrNotExist)
				exists[m.Envfile] = ok
			}
			out = append(out, envMachine{EnvMachine: m, Missing: !ok})
		}
	}
	slices.SortFunc(out, func(x, y envMachine) int {
		return cmp.Or(cmp.Compare(x.Envfile, y.Envfile), cmp.Compare(x.Project, y.Project),
			cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.Name, y.Name))
	})
	return out, nil
}

// printAllMachines writes status --all's table: one block per Envfile.
func printAllMachines(w io.Writer, rows []envMachine, asJSON bool) error {
	if asJSON {
		if rows == nil {
			rows = []envMachine{}
		}
		return writeJSON(w, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "no envrun machines on this host's providers")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENVFILE\tNAME\tPROVIDER\tSTATE\tIP")
	for _, r := range rows {
		file := dash(r.Envfile)
		if r.Missing && r.Envfile != "" {
			file += " (gone)"
		}
		st := string(r.State)
		if r.State == provider.Other && r.Details != "" {
			st = r.Details // paused, a disk without its VM, ...
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", file, r.Name, r.Provider, st, dash(r.IP))
	}
	return tw.Flush()
}
