// Package engine turns a loaded Envfile into a dependency graph and carries
// it out on a provider: networks, then machines, then each machine's steps,
// then global steps, in parallel where the graph allows.
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provision/ansible"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/ui"
)

// Options configure an Env.
type Options struct {
	// Drivers are the providers envrun knows, in the order tried when none
	// is chosen.
	Drivers []*provider.Driver
	// Provider is the provider chosen on the command line, or "".
	Provider string
	UI       *ui.UI
	// Parallel bounds how many graph nodes run at once; 0 picks a default.
	Parallel int
}

// DefaultParallel is the default bound on concurrent work. Most of what
// envrun does waits on a backend or a remote machine, not on local CPU, so
// it is well above the number of cores.
func DefaultParallel() int { return max(8, 4*runtime.NumCPU()) }

// Env is an environment: an Envfile, its provider and its state folder.
type Env struct {
	agentWarn sync.Once // agentSocket's warning

	Spec     *spec.Envfile
	Driver   *provider.Driver
	Project  string
	State    state.Dir
	UI       *ui.UI
	Parallel int
	// ProviderSource says why Driver was chosen, for messages.
	ProviderSource string
	// noProvider is why Driver is nil: no backend answered.
	noProvider error

	prov  provider.Provider
	key   *comm.Key
	known *comm.KnownHosts
	cache *cache

	mu    sync.Mutex
	conns map[string]*machineConn
	// changes are, per file step, the paths a partial run (envrun watch)
	// said changed that the step has not sent yet: a step that did not
	// run, or failed, sends them with the next run's.
	changes map[StepRef][]string
	// reload maps the machines a reload walk reloads to their
	// provisioning state before it (prepareReload).
	reload map[string]string
	dial   func(context.Context, comm.Config, time.Duration) (Conn, error)
	// keepalive is the SSH keepalive interval (ENVRUN_SSH_KEEPALIVE); 0
	// means comm's default.
	keepalive time.Duration
	// playbook runs an ansible step's playbook: (*ansible.Run).Do, or a
	// fake in engine unit tests.
	playbook func(context.Context, *ansible.Run) error
}

// New chooses the provider and checks the Envfile against it. Nothing is
// created and no backend is changed; it may ask a backend whether it is
// there when no provider is named anywhere.
func New(ctx context.Context, ef *spec.Envfile, opts Options) (*Env, error) {
	if opts.UI == nil {
		opts.UI = ui.Discard()
	}
	st := state.ForEnvfile(ef.Path)
	if err := st.Check(); err != nil {
		return nil, err // before anything reads from it
	}
	e := &Env{
		Spec:     ef,
		Project:  state.ProjectID(ef.Path),
		State:    st,
		UI:       opts.UI,
		Parallel: opts.Parallel,
		known:    comm.OpenKnownHosts(st.KnownHostsPath()),
		conns:    map[string]*machineConn{},
		dial:     dialSSH,
		playbook: func(ctx context.Context, r *ansible.Run) error { return r.Do(ctx) },
	}
	e.cache = openCache(st, func(f string, args ...any) { e.UI.Warnf("", f, args...) })
	if e.Parallel <= 0 {
		e.Parallel = DefaultParallel()
	}
	if v := os.Getenv("ENVRUN_SSH_KEEPALIVE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, &UsageError{fmt.Errorf("ENVRUN_SSH_KEEPALIVE=%q: want a positive duration such as 10s", v)}
		}
		e.keepalive = d
	}
	if err := Check(ef, opts.Drivers); err != nil {
		return nil, err
	}
	d, source, err := choose(ctx, ef, opts, e.cache)
	var none *noProviderError
	switch {
	case errors.As(err, &none):
		// Commands that need no backend (validate, graph, inventory,
		// ssh-config) still work; Open reports this.
		e.noProvider = err
		return e, nil
	case err != nil:
		return nil, err
	}
	e.Driver, e.ProviderSource = d, source
	e.UI.SetSecrets(Secrets(ef))
	if d.Validate != nil {
		if err := d.Validate(ef); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Check validates the Envfile as a whole and every machine's provider
// tables, collecting every problem.
func Check(ef *spec.Envfile, drivers []*provider.Driver) error {
	var errs spec.Errors
	add := func(err error) {
		var es spec.Errors
		var e *spec.Error
		switch {
		case err == nil:
		case errors.As(err, &es):
			errs = append(errs, es...)
		case errors.As(err, &e):
			errs = append(errs, e)
		default:
			errs = append(errs, &spec.Error{Msg: err.Error()})
		}
	}
	add(spec.Validate(ef))
	if ef.Provider != "" {
		if _, err := provider.Lookup(drivers, ef.Provider); err != nil {
			add(spec.Errorf(ef.ProviderPos, "%v", err))
		}
	}
	for _, m := range ef.Machines {
		for _, d := range drivers {
			if opts, ok := m.Providers[d.Name]; ok && d.CheckOptions != nil {
				add(d.CheckOptions(ef, m, opts))
			}
		}
	}
	return errs.Err()
}

// Secrets are the values the Envfile marks secret (secret_env), which
// nothing envrun prints may show.
func Secrets(ef *spec.Envfile) []string {
	var out []string
	for _, m := range ef.Machines {
		for _, s := range m.Steps {
			if sh, ok := s.(*spec.Shell); ok {
				for _, k := range sh.Secret {
					out = append(out, sh.Env[k])
				}
			}
		}
	}
	return out
}

// UsageError is a bad command line (exit status 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// choose picks the provider: the command line (--provider, then
// ENVRUN_PROVIDER), the Envfile's `provider`, the one this environment was
// brought up with, then the first backend that answers.
func choose(ctx context.Context, ef *spec.Envfile, opts Options, c *cache) (*provider.Driver, string, error) {
	if opts.Provider != "" {
		d, err := provider.Lookup(opts.Drivers, opts.Provider)
		if err != nil {
			return nil, "", &UsageError{err}
		}
		return d, "--provider", nil
	}
	if name := os.Getenv("ENVRUN_PROVIDER"); name != "" {
		d, err := provider.Lookup(opts.Drivers, name)
		if err != nil {
			return nil, "", &UsageError{fmt.Errorf("ENVRUN_PROVIDER: %w", err)}
		}
		return d, "ENVRUN_PROVIDER", nil
	}
	if ef.Provider != "" {
		d, err := provider.Lookup(opts.Drivers, ef.Provider)
		return d, "the Envfile", err
	}
	if name := c.provider(); name != "" {
		if d, err := provider.Lookup(opts.Drivers, name); err == nil {
			return d, "the environment's state", nil
		}
	}
	var why []error
	for _, d := range opts.Drivers {
		if d.Available == nil {
			continue
		}
		var err error
		if d.AvailableFor != nil {
			err = d.AvailableFor(ctx, ef)
		} else {
			err = d.Available(ctx)
		}
		if err == nil {
			return d, "the first available", nil
		}
		if spec.IsInvalid(err) {
			// The Envfile names what this backend lacks (a docker
			// context): its error, not the host's.
			return nil, "", err
		}
		why = append(why, fmt.Errorf("%s: %w", d.Name, err))
	}
	return nil, "", &noProviderError{errors.Join(why...)}
}

// noProviderError says that no backend answers here.
type noProviderError struct{ why error }

func (e *noProviderError) Error() string {
	return fmt.Sprintf("no provider is available here (name one with --provider):\n%v", e.why)
}

// Open connects to the provider and readies the state folder and key.
func (e *Env) Open(ctx context.Context) error {
	if e.prov != nil {
		return nil
	}
	if e.Driver == nil {
		return e.noProvider
	}
	// Ask the backend first: when it is down, nothing is made here either.
	if e.Driver.AvailableFor != nil {
		if err := e.Driver.AvailableFor(ctx, e.Spec); err != nil {
			return fmt.Errorf("%s provider: %w", e.Driver.Name, err)
		}
	} else if e.Driver.Available != nil {
		if err := e.Driver.Available(ctx); err != nil {
			return fmt.Errorf("%s provider: %w", e.Driver.Name, err)
		}
	}
	if err := e.State.Ensure(); err != nil {
		return err
	}
	key, err := comm.LoadOrCreateKey(e.State.KeyPath())
	if err != nil {
		return err
	}
	e.key = key
	p, err := e.Driver.Open(ctx, provider.Env{
		Project: e.Project,
		Envfile: e.Spec,
		State:   e.State,
		Key:     key,
		UI:      e.UI,
	})
	if err != nil {
		return fmt.Errorf("%s provider: %w", e.Driver.Name, err)
	}
	e.prov = p
	return nil
}

// openReadOnly connects to the provider without creating anything, for
// commands that only look (status, the orphan listing). An environment
// with no state yet opens too, without a key: the backend answers that
// nothing exists.
func (e *Env) openReadOnly(ctx context.Context) error {
	if e.prov != nil {
		return nil
	}
	if e.Driver == nil {
		return e.noProvider
	}
	if key, err := comm.LoadKey(e.State.KeyPath()); err == nil {
		e.key = key
	}
	p, err := e.Driver.Open(ctx, provider.Env{
		Project: e.Project, Envfile: e.Spec, State: e.State, Key: e.key, UI: e.UI,
	})
	if err != nil {
		return fmt.Errorf("%s provider: %w", e.Driver.Name, err)
	}
	e.prov = p
	return nil
}

// Close closes SSH connections and the provider.
func (e *Env) Close() error {
	e.mu.Lock()
	for _, c := range e.conns {
		c.close()
	}
	e.conns = map[string]*machineConn{}
	e.mu.Unlock()
	if e.prov != nil {
		return e.prov.Close()
	}
	return nil
}

// Opened reports whether the provider was opened: before that, nothing
// was made in the backend.
func (e *Env) Opened() bool { return e.prov != nil }

// Provider is the open provider (nil before Open).
func (e *Env) Provider() provider.Provider { return e.prov }

// Key is the environment key (nil before Open).
func (e *Env) Key() *comm.Key { return e.key }

// KnownHosts is the store of pinned host keys.
func (e *Env) KnownHosts() *comm.KnownHosts { return e.known }

// FallbackProvider is the provider choose takes when neither the command
// line, ENVRUN_PROVIDER nor the Envfile names one: the one the environment
// of the Envfile at path was brought up with, then the first backend that
// answers; "" when none does. It reads state.json and asks backends
// whether they are there, and changes nothing (envrun.provider).
func FallbackProvider(ctx context.Context, path string, drivers []*provider.Driver) string {
	var data cacheData
	if err := state.ReadJSON(state.ForEnvfile(path).Join("state.json"), &data); err == nil && data.Provider != "" {
		if _, err := provider.Lookup(drivers, data.Provider); err == nil {
			return data.Provider
		}
	}
	for _, d := range drivers {
		if d.Available != nil && d.Available(ctx) == nil {
			return d.Name
		}
	}
	return ""
}
