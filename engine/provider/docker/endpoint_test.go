package docker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dcontext "github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"
	"github.com/docker/docker/client"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// dockerConfig makes $DOCKER_CONFIG a fresh folder whose context store,
// written by the docker CLI's own store package (as `docker context
// create` writes it), holds contexts (name → engine address), and whose
// config.json names current as the current context ("": no config.json).
// DOCKER_HOST, DOCKER_CONTEXT and the TLS variables are cleared.
func dockerConfig(t *testing.T, contexts map[string]string, current string) string {
	t.Helper()
	dir := t.TempDir()
	s := store.New(filepath.Join(dir, "contexts"), store.NewConfig(func() any { return &map[string]any{} },
		store.EndpointTypeGetter(dcontext.DockerEndpoint, func() any { return &dcontext.EndpointMeta{} })))
	for name, host := range contexts {
		if err := s.CreateOrUpdate(store.Metadata{Name: name, Metadata: map[string]any{},
			Endpoints: map[string]any{dcontext.DockerEndpoint: dcontext.EndpointMeta{Host: host}}}); err != nil {
			t.Fatal(err)
		}
	}
	if current != "" {
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"auths": {}, "currentContext": "`+current+`"}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("DOCKER_CONFIG", dir)
	for _, v := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"} {
		t.Setenv(v, "")
	}
	return dir
}

// TestResolveEndpointPrecedence: the engine is chosen as the docker CLI
// chooses it: DOCKER_HOST, then DOCKER_CONTEXT, then the current context
// of config.json, then the default socket; and the Envfile's docker.host,
// docker.context or engine "NAME" before all of them. Each endpoint's
// client is made for the engine it names (its daemon host). Files only:
// no engine is asked.
func TestResolveEndpointPrecedence(t *testing.T) {
	const (
		envHost = "tcp://192.0.2.1:2375"
		ctxHost = "tcp://192.0.2.2:2375"
		curHost = "tcp://192.0.2.3:2375"
		efHost  = "tcp://192.0.2.4:2375"
		sshHost = "ssh://root@192.0.2.5:2222"
	)
	contexts := map[string]string{"t-ctx": ctxHost, "t-cur": curHost, "t-ssh": sshHost}
	for _, c := range []struct {
		name       string
		current    string // config.json's currentContext
		env        map[string]string
		choice     engineChoice
		host, ctx  string // the endpoint wanted
		sourceHas  string
		clientHost string // the client's daemon host; "" for ssh://
	}{
		{name: "the default socket", host: client.DefaultDockerHost, sourceHas: "the default", clientHost: client.DefaultDockerHost},
		{name: "current context", current: "t-cur", host: curHost, ctx: "t-cur", sourceHas: "the docker CLI's current context (", clientHost: curHost},
		{name: "current context default", current: "default", host: client.DefaultDockerHost, ctx: "default", sourceHas: "current context", clientHost: client.DefaultDockerHost},
		{name: "DOCKER_CONTEXT beats the current context", current: "t-cur", env: map[string]string{"DOCKER_CONTEXT": "t-ctx"},
			host: ctxHost, ctx: "t-ctx", sourceHas: "DOCKER_CONTEXT", clientHost: ctxHost},
		{name: "DOCKER_CONTEXT of an ssh:// engine", env: map[string]string{"DOCKER_CONTEXT": "t-ssh"},
			host: sshHost, ctx: "t-ssh", sourceHas: "DOCKER_CONTEXT"},
		{name: "DOCKER_CONTEXT=default is DOCKER_HOST's engine", current: "t-cur", env: map[string]string{"DOCKER_CONTEXT": "default"},
			host: client.DefaultDockerHost, ctx: "default", sourceHas: "DOCKER_CONTEXT", clientHost: client.DefaultDockerHost},
		{name: "DOCKER_HOST beats DOCKER_CONTEXT", current: "t-cur", env: map[string]string{"DOCKER_HOST": envHost, "DOCKER_CONTEXT": "t-ctx"},
			host: envHost, sourceHas: "DOCKER_HOST", clientHost: envHost},
		{name: "DOCKER_HOST beats the current context", current: "t-cur", env: map[string]string{"DOCKER_HOST": envHost},
			host: envHost, sourceHas: "DOCKER_HOST", clientHost: envHost},
		{name: "docker.host beats the environment", current: "t-cur", env: map[string]string{"DOCKER_HOST": envHost, "DOCKER_CONTEXT": "t-ctx"},
			choice: engineChoice{Host: efHost}, host: efHost, sourceHas: "docker.host in the Envfile", clientHost: efHost},
		{name: "docker.context beats the environment", current: "t-cur", env: map[string]string{"DOCKER_HOST": envHost, "DOCKER_CONTEXT": "t-cur"},
			choice: engineChoice{Context: "t-ctx"}, host: ctxHost, ctx: "t-ctx", sourceHas: "docker.context in the Envfile", clientHost: ctxHost},
		{name: "an engine's context beats the environment", env: map[string]string{"DOCKER_HOST": envHost},
			choice: engineChoice{Name: "big", Context: "t-ssh"}, host: sshHost, ctx: "t-ssh", sourceHas: `engine "big" in the Envfile`},
		{name: "an engine's docker beats the environment", env: map[string]string{"DOCKER_CONTEXT": "t-ctx"},
			choice: engineChoice{Name: "big", Host: efHost}, host: efHost, sourceHas: `engine "big" in the Envfile`, clientHost: efHost},
	} {
		t.Run(c.name, func(t *testing.T) {
			dockerConfig(t, contexts, c.current)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			ep, err := resolveEndpoint(c.choice)
			if err != nil {
				t.Fatal(err)
			}
			if ep.Host != c.host || ep.Context != c.ctx || !strings.Contains(ep.Source, c.sourceHas) {
				t.Errorf("engine %q, context %q, chosen by %q; want %q, %q, by %q", ep.Host, ep.Context, ep.Source, c.host, c.ctx, c.sourceHas)
			}
			cl, err := client.NewClientWithOpts(ep.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			if c.clientHost != "" && cl.DaemonHost() != c.clientHost {
				t.Errorf("the client talks to %s, want %s", cl.DaemonHost(), c.clientHost)
			}
		})
	}
}

// TestResolveEndpointUnknownContext: a context that is not in the store
// fails resolution with one message naming it, what chose it, the store,
// the closest name and every known one.
func TestResolveEndpointUnknownContext(t *testing.T) {
	dir := dockerConfig(t, map[string]string{"t-remote": "ssh://root@192.0.2.5"}, "t-gone")
	for _, c := range []struct {
		name   string
		env    string
		choice engineChoice
		want   []string
	}{
		{"current context", "", engineChoice{}, []string{`docker context "t-gone" (from the docker CLI's current context (` + filepath.Join(dir, "config.json") + `)) does not exist in ` + filepath.Join(dir, "contexts"), "choose one of: default, t-remote"}},
		{"DOCKER_CONTEXT", "t-remot", engineChoice{}, []string{`docker context "t-remot" (from DOCKER_CONTEXT) does not exist`, `(did you mean "t-remote"?)`}},
		{"Envfile", "t-remote", engineChoice{Context: "t-nope"}, []string{`docker context "t-nope" (from docker.context in the Envfile) does not exist`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DOCKER_CONTEXT", c.env)
			_, err := resolveEndpoint(c.choice)
			if err == nil {
				t.Fatal("resolved")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nlacks %q", err, w)
				}
			}
		})
	}
}

// TestRouteChoice: how machines are reached, as far as it is decided
// without asking the engine: the Envfile's reach wins (direct and engine
// on any engine, jump on an ssh:// one only, with a clear error
// otherwise); unset, an ssh:// engine is reached through its SSH host and
// a Swarm overlay through the engine.
func TestRouteChoice(t *testing.T) {
	dockerConfig(t, nil, "")
	for _, c := range []struct {
		name    string
		host    string
		reach   string
		overlay bool
		want    provider.Reach
		jump    *provider.JumpHost
		err     string
	}{
		{name: "ssh:// engine: jump", host: "ssh://root@192.0.2.5:2222", want: provider.ReachJump, jump: &provider.JumpHost{User: "root", Host: "192.0.2.5", Port: "2222"}},
		{name: "ssh:// engine, no user nor port", host: "ssh://bighost", want: provider.ReachJump, jump: &provider.JumpHost{Host: "bighost"}},
		{name: "reach jump", host: "ssh://root@192.0.2.5", reach: "jump", want: provider.ReachJump, jump: &provider.JumpHost{User: "root", Host: "192.0.2.5"}},
		{name: "reach direct on an ssh:// engine", host: "ssh://root@192.0.2.5", reach: "direct", want: provider.ReachDirect},
		{name: "reach engine on an ssh:// engine", host: "ssh://root@192.0.2.5", reach: "engine", want: provider.ReachEngine},
		{name: "reach direct on a tcp:// engine", host: "tcp://192.0.2.1:2375", reach: "direct", want: provider.ReachDirect},
		{name: "reach engine on the local socket", host: "unix:///var/run/docker.sock", reach: "engine", want: provider.ReachEngine},
		{name: "reach direct on the local socket", host: "unix:///var/run/docker.sock", reach: "direct", want: provider.ReachDirect},
		{name: "overlay", host: "ssh://root@192.0.2.5", overlay: true, want: provider.ReachEngine},
		{name: "overlay, reach jump", host: "ssh://root@192.0.2.5", reach: "jump", overlay: true, want: provider.ReachJump, jump: &provider.JumpHost{User: "root", Host: "192.0.2.5"}},
		{name: "reach jump on the local socket", host: "unix:///var/run/docker.sock", reach: "jump",
			err: `docker.reach = "jump" needs an ssh:// engine, and the engine is unix:///var/run/docker.sock (chosen by docker.host in the Envfile): use reach = "engine"`},
		{name: "reach jump on a tcp:// engine", host: "tcp://192.0.2.1:2375", reach: "jump", err: `needs an ssh:// engine`},
	} {
		t.Run(c.name, func(t *testing.T) {
			choice := engineChoice{Host: c.host, Reach: c.reach}
			ep, err := resolveEndpoint(choice)
			if err != nil {
				t.Fatal(err)
			}
			// No client: a route decided here must not ask the engine.
			p := &onEngine{ep: ep, choice: choice}
			r, err := p.Route(context.Background(), c.overlay)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("route %+v, error %v; want an error with %q", r, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Reach != c.want || r.Engine != ep.Name() {
				t.Errorf("route %+v: want reach %s on engine %s", r, c.want, ep.Name())
			}
			if (r.Jump == nil) != (c.jump == nil) || (r.Jump != nil && *r.Jump != *c.jump) {
				t.Errorf("jump %+v, want %+v", r.Jump, c.jump)
			}
		})
	}
}

// TestRouteKey: the key a cached route is kept under changes with what
// decides the route — the engine the environment chooses (DOCKER_HOST,
// DOCKER_CONTEXT, the Envfile) and the Envfile's reach — and with nothing
// else, so that a cached route is never used for another engine.
func TestRouteKey(t *testing.T) {
	dockerConfig(t, map[string]string{"t-ctx": "tcp://192.0.2.2:2375"}, "")
	envfile := func(docker map[string]any) *spec.Envfile {
		m := &spec.Machine{Name: "a", Box: "debian/bookworm"}
		if docker != nil {
			m.Providers = map[string]spec.Options{"docker": {Values: docker}}
		}
		return &spec.Envfile{Path: "/p/Envfile.lua", Dir: "/p", Machines: []*spec.Machine{m}}
	}
	key := func(ef *spec.Envfile) string {
		t.Helper()
		k, err := routeKey(ef)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	plain := key(envfile(nil))
	if again := key(envfile(nil)); again != plain {
		t.Errorf("the same choice gave two keys: %q, %q", plain, again)
	}
	seen := map[string]string{plain: "the default"}
	for _, c := range []struct {
		name, envVar, value string
		docker              map[string]any
	}{
		{name: "DOCKER_HOST", envVar: "DOCKER_HOST", value: "tcp://192.0.2.1:2375"},
		{name: "DOCKER_CONTEXT", envVar: "DOCKER_CONTEXT", value: "t-ctx"},
		{name: "reach engine", docker: map[string]any{"reach": "engine"}},
		{name: "reach direct", docker: map[string]any{"reach": "direct"}},
		{name: "docker.host", docker: map[string]any{"host": "tcp://192.0.2.4:2375"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.envVar != "" {
				t.Setenv(c.envVar, c.value)
			}
			k := key(envfile(c.docker))
			if other, ok := seen[k]; ok {
				t.Errorf("key %q is also %s's", k, other)
			}
			seen[k] = c.name
		})
	}
}
