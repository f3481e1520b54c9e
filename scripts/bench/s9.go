package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/envrun/envrun/engine/state"
)

// s9 times `envrun snapshot restore` of the contract's two-host example
// on Docker (goal ≤ 1 s), next to its floor: the same two containers
// removed and run again from the same snapshot images, with the same
// network, IP and hostname, by the docker CLI in parallel (floor9.sh),
// with no SSH wait. The sides alternate within each repetition.
func (b *bench) s9(ctx context.Context) error {
	l := layout{Machines: 2, File: true}
	e, err := b.prepare(envrunSide, "s9", l)
	if err != nil {
		return err
	}
	defer b.cleanUp(ctx, e)
	if _, err := b.timed(ctx, e.dir, "envrun-s9-up", nil, b.envrun, "up"); err != nil {
		return err
	}
	if _, err := b.timed(ctx, e.dir, "envrun-s9-save", nil, b.envrun, "snapshot", "save", "bench"); err != nil {
		return err
	}
	// The floor's script: the containers and images envrun made, found by
	// their labels.
	project := state.ProjectID(filepath.Join(e.dir, "Envfile.lua"))
	var script strings.Builder
	script.WriteString("set -e\n")
	for _, h := range e.l.hosts() {
		fmt.Fprintf(&script, `(
c=$(docker ps -aq --filter label=io.envrun.project=%[1]s --filter label=io.envrun.machine=%[2]s)
img=$(docker images -q --filter label=io.envrun.project=%[1]s --filter label=io.envrun.machine=%[2]s --filter label=io.envrun.snapshot=bench | head -1)
name=$(docker inspect -f '{{.Name}}' $c | cut -c2-)
net=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' $c)
docker rm -f $c >/dev/null
docker run -d --init --tmpfs /run --name $name --network $net --ip %[3]s --hostname %[4]s $img >/dev/null
) &
`, project, h.Name, h.IP, strings.SplitN(h.Hostname, ".", 2)[0])
	}
	script.WriteString("wait\n")
	floor := filepath.Join(e.dir, "floor9.sh")
	if err := os.WriteFile(floor, []byte(script.String()), 0o755); err != nil {
		return err
	}
	m := newMeasure("S9", "snapshot restore of the two-host example", 2)
	b.results = append(b.results, m)
	for rep := range b.reps {
		sides := []string{envrunSide, floorSide}
		if rep%2 == 1 {
			sides = []string{floorSide, envrunSide}
		}
		for _, side := range sides {
			argv := []string{b.envrun, "snapshot", "restore", "bench"}
			if side == floorSide {
				argv = []string{"bash", floor}
			}
			r, err := b.timed(ctx, e.dir, fmt.Sprintf("%s-s9-restore-%d", side, rep), nil, argv...)
			if err != nil {
				return err
			}
			progress("%-8s %-10s %-9s rep %d: %s", side, "s9", "restore", rep+1, fmtSeconds(r.seconds))
			m.add(side, rep, r.seconds)
		}
	}
	return nil
}
