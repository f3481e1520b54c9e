package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/envrun/envrun/engine/spec"
)

// Suspended is the state of a machine frozen by Suspend (Docker: paused;
// libvirt: its memory saved to disk, the VM off).
const Suspended State = "suspended"

// SnapshotInfo is one snapshot of one machine.
type SnapshotInfo struct {
	Machine string    `json:"machine"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// ID is the backend's identity of the snapshot (an image ID, a
	// libvirt snapshot name).
	ID string `json:"id,omitempty"`
	// Size in bytes, when the backend tells it (0 otherwise).
	Size int64 `json:"size,omitempty"`
	// Meta is what the engine gave SaveSnapshot: the machine's
	// provisioning state when saved.
	Meta string `json:"-"`
}

// SortSnapshots orders snapshots oldest first (then by machine and
// name), as Snapshotter.Snapshots lists them.
func SortSnapshots(s []SnapshotInfo) {
	slices.SortStableFunc(s, func(a, b SnapshotInfo) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.Machine+"."+a.Name, b.Machine+"."+b.Name)
	})
}

// Snapshotter is the optional power of providers that keep snapshots of
// their machines. Snapshots belong to the environment: every one carries
// its project, and Destroy of a machine removes its snapshots.
type Snapshotter interface {
	// SaveSnapshot saves machine name (running or stopped) as snapshot
	// snap, keeping meta with it. A snapshot of that name is replaced.
	SaveSnapshot(ctx context.Context, name, snap, meta string) error
	// RestoreSnapshot brings machine m back to snapshot snap and starts
	// it. The Instance's SnapshotMeta is the snapshot's meta. A missing
	// snapshot is an error wrapping ErrNoSnapshot.
	RestoreSnapshot(ctx context.Context, m *spec.Machine, snap string) (*Instance, error)
	// Snapshots lists the snapshots of the environment's machines
	// (machine "" means all), oldest first.
	Snapshots(ctx context.Context, machine string) ([]SnapshotInfo, error)
	// DeleteSnapshot removes one snapshot; a missing one is an error
	// wrapping ErrNoSnapshot.
	DeleteSnapshot(ctx context.Context, name, snap string) error
}

// ErrNoSnapshot says a snapshot does not exist.
var ErrNoSnapshot = fmt.Errorf("no such snapshot")

// Reloader is the optional power of providers that can apply a changed
// machine definition to an existing machine.
type Reloader interface {
	// Reload stops machine m, makes it match the Envfile (recreating or
	// redefining it, keeping its disk where the change allows) and starts
	// it again. meta is the engine's provisioning state of the machine as
	// it is: when the machine is replaced by a new instance that keeps its
	// disk, the returned Instance carries it as SnapshotMeta; a machine
	// made anew from its box has none. A machine that does not exist is
	// made as by Up.
	Reload(ctx context.Context, m *spec.Machine, meta string) (*Instance, error)
}

// Suspender is the optional power of providers that can freeze a running
// machine and thaw it later.
type Suspender interface {
	// Suspend freezes machine name, which must be running.
	Suspend(ctx context.Context, name string) error
	// Resume thaws a suspended machine; Up resumes one too.
	Resume(ctx context.Context, name string) error
}
