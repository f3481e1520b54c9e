package docker

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/docker/docker/client"

	"github.com/envrun/envrun/engine/timing"
)

// A box image missing on one engine of the environment and present on
// another is copied between them through the Docker API (save on the one,
// load on the other: the same bytes as `docker save | docker -H ... load`,
// streamed, never written to disk here), with its progress shown. That
// needs no registry and gives every engine the very image the others run;
// making the image anew from its recipe would need a registry or
// debootstrap on that engine, and could differ.

// peerWith returns another engine of the environment that has image ref,
// or nil.
func (p *onEngine) peerWith(ctx context.Context, ref string) *onEngine {
	for _, e := range p.peers {
		if e != p && e.haveImage(ctx, ref) {
			return e
		}
	}
	return nil
}

// copyImage copies image ref from another engine that has it, and
// reports whether one had it.
func (p *onEngine) copyImage(ctx context.Context, ref string) (bool, error) {
	from := p.peerWith(ctx, ref)
	if from == nil {
		return false, nil
	}
	info, err := from.c.ImageInspect(ctx, ref)
	if err != nil {
		return true, fmt.Errorf("inspect image %s on %s: %w", ref, from.choice.engineName(), explain(from.ep, err))
	}
	what := fmt.Sprintf("image %s from %s to %s", ref, from.choice.engineName(), p.choice.engineName())
	p.env.UI.Infof("box", "copying %s (%s; once)", what, mib(info.Size))
	timing.Note(ctx, "copying box image "+ref)
	rc, err := from.c.ImageSave(ctx, []string{ref})
	if err != nil {
		return true, fmt.Errorf("copy %s: save: %w", what, explain(from.ep, err))
	}
	defer rc.Close()
	counted := &countingReader{r: rc}
	done := make(chan struct{})
	defer close(done)
	t0 := time.Now()
	go func() {
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p.env.UI.Infof("box", "copying %s: %s of about %s", ref, mib(counted.n.Load()), mib(info.Size))
			}
		}
	}()
	resp, err := p.c.ImageLoad(ctx, counted, client.ImageLoadWithQuiet(true))
	if err != nil {
		return true, fmt.Errorf("copy %s: load: %w", what, explain(p.ep, err))
	}
	defer resp.Body.Close()
	if err := p.followJSON(resp.Body, "box"); err != nil {
		return true, fmt.Errorf("copy %s: load: %w", what, err)
	}
	p.env.UI.Infof("box", "copied %s: %s in %.1f s", what, mib(counted.n.Load()), time.Since(t0).Seconds())
	return true, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
