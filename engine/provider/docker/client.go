package docker

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/docker/docker/client"
)

// engineClient is the one Docker API client of an engine in this
// process, made on first use and shared by everything that asks that
// engine: the check that it answers, the provider, the listings of
// `status --all` and `init`. Its idle connections are reused from one
// request to the next, so an ssh:// engine costs one SSH connection (and
// one `docker system dial-stdio`) per process where each client made its
// own before.
type engineClient struct {
	once   sync.Once
	c      *client.Client
	err    error
	pinged atomic.Bool
}

var engineClients sync.Map // endpoint key → *engineClient

// clientOf is ep's client, made now if it is the first ask.
func clientOf(ep *endpoint) (*engineClient, error) {
	v, _ := engineClients.LoadOrStore(ep.Context+"\x00"+ep.Host, new(engineClient))
	ec := v.(*engineClient)
	ec.once.Do(func() { ec.c, ec.err = client.NewClientWithOpts(ep.opts...) })
	return ec, ec.err
}

// ping checks that the engine answers, within timeout (30 s for an
// ssh:// engine, which starts ssh and the remote docker CLI first). Once
// it has answered, the process does not ask again.
func (ec *engineClient) ping(ctx context.Context, ep *endpoint, timeout time.Duration) error {
	if ec.pinged.Load() {
		return nil
	}
	if ep.sshHost() != nil {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := ec.c.Ping(ctx); err != nil {
		return explain(ep, err)
	}
	ec.pinged.Store(true)
	return nil
}
