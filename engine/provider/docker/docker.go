// Package docker runs envrun machines as Docker containers that behave like
// VMs: kept running by sshd, on a user-defined bridge network with a static
// IP, with a hostname and the environment's SSH key.
//
// What exists is read from Docker itself: every container and network
// envrun makes carries the io.envrun.project label.
package docker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/client"
	"golang.org/x/sync/singleflight"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/timing"
	"github.com/envrun/envrun/internal/sshmux"
)

// Labels envrun puts on what it makes.
const (
	LabelProject = "io.envrun.project"
	LabelMachine = "io.envrun.machine"
	LabelNetwork = "io.envrun.network"
	LabelEnvfile = "io.envrun.envfile"
	LabelHostKey = "io.envrun.hostkey"
	LabelKey     = "io.envrun.key" // fingerprint of the authorized env key
	LabelConfig  = "io.envrun.config"
	LabelUser    = "io.envrun.user"
	LabelIP      = "io.envrun.ip"
	// LabelSSHPort is the port the container's sshd listens on, when it
	// is not 22 (ssh.port): what status, ssh-config and envrun use for
	// the container as it was made.
	LabelSSHPort = "io.envrun.ssh-port"
)

// sshAddr is the SSH address of a container at ip, on the port its
// labels record (22 without the label).
func sshAddr(ip string, labels map[string]string) string {
	port := labels[LabelSSHPort]
	if port == "" {
		port = strconv.Itoa(spec.DefaultSSHPort)
	}
	return net.JoinHostPort(ip, port)
}

// Driver is the Docker provider.
var Driver = &provider.Driver{
	Name:         "docker",
	CheckOptions: checkOptions,
	Validate:     validate,
	Available:    available,
	AvailableFor: availableFor,
	RouteKey:     routeKey,
	Open:         open,
	AllMachines:  allMachines,
	Subnets:      subnets,
}

func validate(ef *spec.Envfile) error {
	var errs spec.Errors
	errs = append(errs, spec.List(checkEngines(ef))...)
	errs = append(errs, checkUserCatalog(ef)...)
	errs = append(errs, checkContexts(ef)...)
	for _, m := range ef.Machines {
		o, err := decodeOptions(m, ef.Dir)
		if err != nil {
			continue // reported by CheckOptions
		}
		if o.Image == "" && o.Build == "" && m.Box == "" {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q has no box: set `box \"debian/bookworm\"` or docker.image", m.Name))
		}
		for _, sf := range m.MountedFolders() { // envrun copies rsync folders itself
			if sf.Type != "" {
				errs = append(errs, spec.Errorf(m.Pos, "machine %q: synced folder %s: type %q is libvirt's; on Docker a synced folder is a bind mount (or type = \"rsync\", a copy): leave type out", m.Name, sf.Guest, sf.Type))
			}
			if sf.Owner != "" || sf.Group != "" {
				errs = append(errs, spec.Errorf(m.Pos, "machine %q: synced folder %s: owner and group are not supported on Docker: a bind mount shows the host's owners, "+
					"and the machine's user takes the host user's uid and gid so it can write the folder (docs/machines.md); leave them out, or make it type = \"rsync\", a copy", m.Name, sf.Guest))
			}
		}
	}
	return errs.Err()
}

// dial resolves the engine choice names and gives its client, the one
// the process shares (engineClient); nothing is dialled yet.
func dial(choice engineChoice) (*engineClient, *endpoint, error) {
	ep, err := resolveEndpoint(choice)
	if err != nil {
		return nil, nil, err
	}
	ec, err := clientOf(ep)
	if err != nil {
		return nil, nil, fmt.Errorf("docker engine %s (from %s): %w", ep.Host, ep.Source, err)
	}
	return ec, ep, nil
}

func available(ctx context.Context) error { return availableFor(ctx, nil) }

// availableFor pings every engine the Envfile's machines run on, at once.
func availableFor(ctx context.Context, ef *spec.Envfile) error {
	choices := []engineChoice{{}}
	if ef != nil {
		if err := checkContexts(ef).Err(); err != nil {
			return err
		}
		pl, err := placeMachines(ef)
		if err != nil {
			return err
		}
		choices = pl.choices
	}
	errs := make([]error, len(choices))
	var wg sync.WaitGroup
	for i, choice := range choices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = ping(ctx, choice)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func ping(ctx context.Context, choice engineChoice) error {
	ec, ep, err := dial(choice)
	if err != nil {
		return err
	}
	return ec.ping(ctx, ep, 2*time.Second)
}

// explain turns the errors of an unreachable engine into one line that
// says which engine was tried, chosen by what, and what to do.
func explain(ep *endpoint, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	tried := fmt.Sprintf("the Docker engine at %s (chosen by %s)", ep.Name(), ep.Source)
	if sp := ep.sshHost(); sp != nil {
		why := msg
		var me *sshmux.Error
		if _, stderr, ok := strings.Cut(msg, "stderr="); ok && strings.TrimSpace(stderr) != "" {
			why = strings.Join(strings.Fields(stderr), " ")
		} else if errors.As(err, &me) && me.Stderr != "" {
			why = me.Stderr
		}
		login := (&provider.JumpHost{User: sp.User, Host: sp.Host, Port: sp.Port}).Command()
		return fmt.Errorf("cannot reach %s over SSH: %s; check that `%s docker system dial-stdio` works here (your ~/.ssh/config, agent and known_hosts apply), or choose another engine with DOCKER_HOST, DOCKER_CONTEXT or docker.host", tried, strings.TrimSuffix(why, "."), login)
	}
	switch {
	case strings.Contains(msg, "permission denied"):
		return fmt.Errorf("cannot talk to %s: permission denied; add yourself to the docker group (sudo usermod -aG docker $USER, then log in again) or run as root", tried)
	case client.IsErrConnectionFailed(err) || strings.Contains(msg, "no such file or directory") || strings.Contains(msg, "connection refused") || errors.Is(err, context.DeadlineExceeded):
		if ep.Source == "the default" {
			return fmt.Errorf("%s is not running (start it with `sudo systemctl start docker`, or choose an engine with DOCKER_HOST or DOCKER_CONTEXT): %w", tried, err)
		}
		return fmt.Errorf("cannot reach %s: %v; start that engine, or choose another one with DOCKER_HOST, DOCKER_CONTEXT or docker.host", tried, err)
	}
	return fmt.Errorf("%s: %w", tried, err)
}

// onEngine is the Docker provider on one engine: the machines placed
// there, and the networks they use.
type onEngine struct {
	c      *client.Client
	env    provider.Env
	ep     *endpoint
	choice engineChoice

	peers       []*onEngine        // the environment's engines, this one among them
	images      singleflight.Group // image ref → ensured once per run
	users       *userCache
	userLookups singleflight.Group // image ID + user → read once per run
}

// openEngine connects to the engine choice names.
func openEngine(ctx context.Context, env provider.Env, choice engineChoice) (*onEngine, error) {
	ec, ep, err := dial(choice)
	if err != nil {
		return nil, err
	}
	if err := ec.ping(ctx, ep, 5*time.Second); err != nil {
		return nil, err
	}
	return &onEngine{c: ec.c, env: env, ep: ep, choice: choice, users: openUserCache()}, nil
}

// Close lets the engine's idle connections go (an ssh:// engine's ssh
// processes end); the client stays the process's, and dials again if
// asked.
func (p *onEngine) Close() error { return p.c.Close() }

// phase times a step of machine's work for --timings (the context's
// recorder) and the -v timeline; the returned function ends it.
func (p *onEngine) phase(ctx context.Context, machine, name string) func() {
	end := timing.Start(ctx, name)
	return func() { p.env.UI.Debugf(machine, "docker: %s in %s", name, end().Round(time.Millisecond)) }
}

// containerName is the container of machine name.
func (p *onEngine) containerName(name string) string { return p.env.Project + "-" + name }

// networkName is the Docker network of the Envfile's network name.
func (p *onEngine) networkName(name string) string { return p.env.Project + "-" + name }
