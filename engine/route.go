package engine

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/envrun/envrun/engine/provider"
)

// routeCache is the route learnt for one engine, kept in state.json so
// that commands which only look (status, ssh-config, inventory) and a
// no-op up cost no detection.
type routeCache struct {
	Key   string         `json:"key"`
	Route provider.Route `json:"route"`
}

func (c *cache) route(key string) (provider.Route, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rc := c.data.Route; rc != nil && rc.Key == key {
		return rc.Route, true
	}
	return provider.Route{}, false
}

// Route is how this host reaches the environment's machines: cached per
// engine, asked of the provider once (it may open it read-only).
// Providers without the power are reached directly.
func (e *Env) Route(ctx context.Context) (provider.Route, error) {
	direct := provider.Route{Reach: provider.ReachDirect}
	if e.Driver == nil || e.Driver.RouteKey == nil {
		return direct, nil
	}
	key, err := e.Driver.RouteKey(e.Spec)
	if err != nil {
		return direct, err
	}
	if r, ok := e.cache.route(key); ok {
		return r, nil
	}
	if err := e.openReadOnly(ctx); err != nil {
		return direct, err
	}
	router, ok := e.prov.(provider.Router)
	if !ok {
		return direct, nil
	}
	r, err := router.Route(ctx)
	if err != nil {
		return direct, err
	}
	e.UI.Debugf("", "%s: machines are reached %s", r.Engine, r.Reach)
	if e.State.Exists() {
		e.cache.update(func(d *cacheData) { d.Route = &routeCache{Key: key, Route: r} })
	}
	return r, nil
}

// via is how comm reaches machine name at addr on route r: nil for a
// direct TCP connection.
func (e *Env) via(r provider.Route, name, addr string) func(context.Context) (net.Conn, error) {
	switch r.Reach {
	case provider.ReachJump:
		return func(ctx context.Context) (net.Conn, error) { return r.Jump.Dial(ctx, addr) }
	case provider.ReachEngine:
		return func(ctx context.Context) (net.Conn, error) {
			if err := e.openReadOnly(ctx); err != nil {
				return nil, err
			}
			router, ok := e.prov.(provider.Router)
			if !ok {
				return nil, fmt.Errorf("the %s provider cannot reach machines through its engine", e.Driver.Name)
			}
			return router.DialMachine(ctx, name)
		}
	}
	return nil
}

// ProxyCommand is the OpenSSH ProxyCommand that reaches machine name on
// route r, "" for a direct route. Through the engine's API it is envrun
// itself (`envrun proxy NAME`), so plain ssh and Ansible work as well.
func (e *Env) ProxyCommand(r provider.Route, name string) string {
	switch r.Reach {
	case provider.ReachJump:
		return r.Jump.ProxyCommand()
	case provider.ReachEngine:
		self, err := os.Executable()
		if err != nil {
			self = "envrun"
		}
		return fmt.Sprintf("%s --file %s proxy %s", quoteConfig(self), quoteConfig(e.Spec.Path), name)
	}
	return ""
}

// Proxy joins stdin and stdout to machine name's sshd through the engine
// (`envrun proxy`, an OpenSSH ProxyCommand).
func (e *Env) Proxy(ctx context.Context, name string, addr string) (net.Conn, error) {
	r, err := e.Route(ctx)
	if err != nil {
		return nil, err
	}
	if v := e.via(r.For(name), name, addr); v != nil {
		return v(ctx)
	}
	d := net.Dialer{}
	return d.DialContext(ctx, "tcp", addr)
}
