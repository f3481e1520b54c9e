// Package docker runs envrun machines as Docker containers that behave like
// VMs: kept running by sshd, on a user-defined bridge network with a static
// IP, with a hostname and the environment's SSH key.
//
// What exists is read from Docker itself: every container and network
// envrun makes carries the io.envrun.project label.
package docker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/docker/docker/client"
	"golang.org/x/sync/singleflight"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/timing"
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
)

// Driver is the Docker provider.
var Driver = &provider.Driver{
	Name: "docker",
	CheckOptions: func(m *spec.Machine, opts spec.Options) error {
		_, err := decodeOptions(m, "")
		return err
	},
	Validate:  validate,
	Available: available,
	Open:      open,
}

func validate(ef *spec.Envfile) error {
	var errs spec.Errors
	for _, m := range ef.Machines {
		o, err := decodeOptions(m, ef.Dir)
		if err != nil {
			continue // reported by CheckOptions
		}
		if o.Image == "" && o.Build == "" && m.Box == "" {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q has no box: set `box \"debian/bookworm\"` or docker.image", m.Name))
		}
	}
	return errs.Err()
}

func newClient() (*client.Client, error) {
	return client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
}

func available(ctx context.Context) error {
	c, err := newClient()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err = c.Ping(ctx)
	return explain(c, err)
}

// explain turns the errors of an unreachable engine into advice.
func explain(c *client.Client, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "permission denied"):
		return fmt.Errorf("cannot talk to the Docker engine at %s: permission denied; add yourself to the docker group (sudo usermod -aG docker $USER, then log in again) or run as root", c.DaemonHost())
	case client.IsErrConnectionFailed(err) || strings.Contains(msg, "no such file or directory") || strings.Contains(msg, "connection refused"):
		return fmt.Errorf("the Docker engine is not running at %s (start it with `sudo systemctl start docker`, or set DOCKER_HOST): %w", c.DaemonHost(), err)
	}
	return err
}

// Provider is the Docker provider, opened.
type Provider struct {
	c   *client.Client
	env provider.Env

	images      singleflight.Group // image ref → ensured once per run
	users       *userCache
	userLookups singleflight.Group // image ID + user → read once per run
}

func open(ctx context.Context, env provider.Env) (provider.Provider, error) {
	c, err := newClient()
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := c.Ping(pctx); err != nil {
		c.Close()
		return nil, explain(c, err)
	}
	return &Provider{c: c, env: env, users: openUserCache()}, nil
}

func (p *Provider) Name() string { return "docker" }

func (p *Provider) Close() error { return p.c.Close() }

// phase times a step of machine's work for --timings (the context's
// recorder) and the -v timeline; the returned function ends it.
func (p *Provider) phase(ctx context.Context, machine, name string) func() {
	end := timing.Start(ctx, name)
	return func() { p.env.UI.Debugf(machine, "docker: %s in %s", name, end().Round(time.Millisecond)) }
}

// containerName is the container of machine name.
func (p *Provider) containerName(name string) string { return p.env.Project + "-" + name }

// networkName is the Docker network of the Envfile's network name.
func (p *Provider) networkName(name string) string { return p.env.Project + "-" + name }
