package engine

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// TestPinIsTheEnginesJob: the engine pins what a provider reports (a key,
// or one it reads when nothing is pinned for the instance), never reads a
// key again for the pinned instance, and refuses a different key for it.
func TestPinIsTheEnginesJob(t *testing.T) {
	newKey := func() ssh.PublicKey {
		_, pub, err := comm.NewHostKey()
		if err != nil {
			t.Fatal(err)
		}
		return pub
	}
	e := &Env{UI: ui.Discard(), known: comm.OpenKnownHosts(filepath.Join(t.TempDir(), "known_hosts"))}
	m := &spec.Machine{Name: "web"}
	ctx := context.Background()
	made, now := newKey(), newKey()
	reads := 0
	inst := &provider.Instance{ID: "c1", Addr: "10.0.0.2:22",
		ReadHostKey: func(context.Context) (ssh.PublicKey, error) { reads++; return now, nil }}
	if err := e.pin(ctx, m, inst); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := e.known.Lookup(inst.Addr); !ok || comm.FormatPublicKey(got.Key) != comm.FormatPublicKey(now) || got.ID != "c1" {
		t.Fatalf("pinned %+v, %v; want the key read now", got, ok)
	}
	if err := e.pin(ctx, m, inst); err != nil || reads != 1 {
		t.Fatalf("second pin: %v, %d reads; want no read for the pinned instance", err, reads)
	}
	// The same instance showing another key is refused.
	err := e.pin(ctx, m, &provider.Instance{ID: "c1", Addr: inst.Addr, HostKey: made})
	var hk *comm.HostKeyChangedError
	if !errors.As(err, &hk) {
		t.Fatalf("another key for the pinned instance: %v, want a HostKeyChangedError", err)
	}
	// A new instance (made anew) replaces the pin; an unreadable key falls
	// back to the one reported.
	inst2 := &provider.Instance{ID: "c2", Addr: inst.Addr, HostKey: made,
		ReadHostKey: func(context.Context) (ssh.PublicKey, error) { return nil, errors.New("gone") }}
	if err := e.pin(ctx, m, inst2); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := e.known.Lookup(inst.Addr); !ok || comm.FormatPublicKey(got.Key) != comm.FormatPublicKey(made) || got.ID != "c2" {
		t.Fatalf("pinned %+v, %v; want the new instance's key", got, ok)
	}
}
