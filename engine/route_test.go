package engine

import (
	"context"
	"net"
	"testing"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
)

// routingFake is the fake provider with the Router power: it counts the
// times it is asked how its machines are reached.
type routingFake struct {
	*fakeProvider
	asked int
	route provider.Route
}

func (f *routingFake) Route(context.Context) (provider.Route, error) {
	f.asked++
	return f.route, nil
}

func (f *routingFake) DialMachine(context.Context, string) (net.Conn, error) {
	panic("not dialled in this test")
}

// TestRouteCachedPerEngine: the route learnt for an engine is kept in
// .envrun/state.json and used by the next commands (a new Env is a new
// envrun process) without asking the provider again; another engine (a
// new route key: DOCKER_HOST changed, say) is asked once, and its route
// replaces the kept one. Nothing is kept before the state folder exists.
func TestRouteCachedPerEngine(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	fp := &routingFake{fakeProvider: newFake(), route: provider.Route{Engine: "ssh://root@bighost", Reach: provider.ReachJump, Jump: &provider.JumpHost{User: "root", Host: "bighost"}}}
	key := "docker ssh://root@bighost reach="
	d := &provider.Driver{
		Name:      "fake",
		Available: func(context.Context) error { return nil },
		Open:      func(context.Context, provider.Env) (provider.Provider, error) { return fp, nil },
		RouteKey:  func(*spec.Envfile) (string, error) { return key, nil },
	}
	ctx := context.Background()
	route := func() provider.Route {
		t.Helper()
		e, err := New(ctx, ef, Options{Drivers: []*provider.Driver{d}})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		r, err := e.Route(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// No state folder yet: asked each time, kept nowhere.
	route()
	route()
	if fp.asked != 2 {
		t.Fatalf("without .envrun/ the provider was asked %d times, want 2", fp.asked)
	}
	st := state.ForEnvfile(ef.Path)
	if err := st.Ensure(); err != nil {
		t.Fatal(err)
	}
	fp.asked = 0
	if r := route(); r.Reach != provider.ReachJump || fp.asked != 1 {
		t.Fatalf("route %+v after %d asks; want jump, asked once", r, fp.asked)
	}
	var kept struct {
		Route *routeCache `json:"route"`
	}
	if err := state.ReadJSON(st.Join("state.json"), &kept); err != nil || kept.Route == nil || kept.Route.Key != key || kept.Route.Route.Reach != provider.ReachJump {
		t.Fatalf("state.json keeps %+v (%v), want the jump route under %q", kept.Route, err, key)
	}
	// The next commands: the kept route, the provider not asked.
	for range 3 {
		if r := route(); r.Reach != provider.ReachJump || r.Jump == nil || r.Jump.Host != "bighost" || r.Engine != "ssh://root@bighost" {
			t.Errorf("kept route %+v", r)
		}
	}
	if fp.asked != 1 {
		t.Errorf("the provider was asked %d times in four commands, want once", fp.asked)
	}
	// Another engine: asked again, once.
	key = "docker unix:///var/run/docker.sock reach="
	fp.route = provider.Route{Engine: "unix:///var/run/docker.sock", Reach: provider.ReachDirect}
	if r := route(); r.Reach != provider.ReachDirect {
		t.Errorf("after the engine changed: route %+v, want direct", r)
	}
	route()
	if fp.asked != 2 {
		t.Errorf("the provider was asked %d times, want twice (once per engine)", fp.asked)
	}
}
