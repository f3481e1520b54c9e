package engine

import (
	"context"
	"errors"
	"testing"
)

func TestCheckSnapshotName(t *testing.T) {
	for _, ok := range []string{"a", "before-upgrade", "v1.2_rc", "0"} {
		if err := CheckSnapshotName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", "_reload", ".x", "a b", "a/b", "a:b", string(make([]byte, 64))} {
		var usage *UsageError
		if err := CheckSnapshotName(bad); !errors.As(err, &usage) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

// A snapshot carries the provisioning state of the instance saved, and a
// machine made from it takes it: provisioned or not, the global steps
// that had run over it still done, the others to run again.
func TestSnapshotMetaFollowsTheMachine(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	e := newTestEnv(t, ef, newFake(), &cmdLog{})
	if _, err := e.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	e.cache.update(func(d *cacheData) {
		d.Steps["ansible:site"] = stepCache{Hosts: map[string]string{"a": d.Machines["a"].ID, "b": d.Machines["b"].ID}}
		d.Steps["ansible:later"] = stepCache{Hosts: map[string]string{"a": "an older instance", "b": d.Machines["b"].ID}}
	})
	id := e.cache.data.Machines["a"].ID
	meta := e.metaOf("a", id)
	if want := `{"provisioned":true,"steps":["ansible:site"]}`; meta != want {
		t.Fatalf("meta of a: %s, want %s", meta, want)
	}
	if err := e.adopt("a", "new-a", meta); err != nil {
		t.Fatal(err)
	}
	if !e.cache.provisioned("a", "new-a") {
		t.Errorf("a made from a provisioned snapshot is not provisioned")
	}
	if h := e.cache.data.Steps["ansible:site"].Hosts["a"]; h != "new-a" {
		t.Errorf("ansible:site over a: %q, want the new instance", h)
	}
	if _, ok := e.cache.data.Steps["ansible:later"].Hosts["a"]; ok {
		t.Errorf("ansible:later had not run over the saved a, and still counts as done")
	}
	if err := e.adopt("b", "new-b", e.metaOf("b", "not b's instance")); err != nil {
		t.Fatal(err)
	}
	if e.cache.provisioned("b", "new-b") {
		t.Errorf("b made from an unprovisioned snapshot counts as provisioned")
	}
}
