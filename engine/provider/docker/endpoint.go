package docker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/docker/cli/cli/connhelper"
	sshspec "github.com/docker/cli/cli/connhelper/ssh"
	dcontext "github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"
	"github.com/docker/docker/client"

	"github.com/envrun/envrun/internal/sshmux"
	"github.com/envrun/envrun/internal/suggest"
)

// endpoint is the Docker engine envrun talks to, chosen the way the
// docker CLI chooses it.
type endpoint struct {
	// Host is the engine's address: unix:///var/run/docker.sock,
	// tcp://h:2376, ssh://user@h.
	Host string
	// Context is the docker context it comes from ("" for none).
	Context string
	// Source says why this engine: "DOCKER_HOST", "DOCKER_CONTEXT",
	// "the docker CLI's current context", "the Envfile", "the default".
	Source string
	opts   []client.Opt
}

// Name is the engine as messages and `status` show it.
func (ep *endpoint) Name() string {
	if ep.Context != "" && ep.Context != "default" {
		return fmt.Sprintf("%s (context %s)", ep.Host, ep.Context)
	}
	return ep.Host
}

// engineChoice is what the Envfile says about an engine: an engine
// "NAME" { docker =, context = }, or the machines' docker.host or
// docker.context, and how its machines are reached.
type engineChoice struct {
	// Name is the engine's name in the Envfile, "" for the engine the
	// environment chooses (docker.host, DOCKER_HOST, ...).
	Name          string
	Host, Context string
	Reach         string
}

// from says where the Envfile chose the engine, for messages.
func (c engineChoice) from(key string) string {
	if c.Name != "" {
		return fmt.Sprintf("engine %q in the Envfile", c.Name)
	}
	return "docker." + key + " in the Envfile"
}

// configDir is the docker CLI's configuration folder: $DOCKER_CONFIG or
// ~/.docker.
func configDir() string {
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".docker"
	}
	return filepath.Join(home, ".docker")
}

// resolveEndpoint picks the engine the way the docker CLI does
// (cli/command.resolveContextName): the Envfile's choice first, then
// DOCKER_HOST, DOCKER_CONTEXT, the current context of the CLI's
// config.json, and the default socket last. It reads files only.
func resolveEndpoint(choice engineChoice) (*endpoint, error) {
	switch {
	case choice.Host != "":
		return hostEndpoint(choice.Host, "", choice.from("host"))
	case choice.Context != "":
		return contextEndpoint(choice.Context, choice.from("context"))
	}
	if h := os.Getenv(client.EnvOverrideHost); h != "" {
		return hostEndpoint(h, "", "DOCKER_HOST")
	}
	if name := os.Getenv("DOCKER_CONTEXT"); name != "" {
		return contextEndpoint(name, "DOCKER_CONTEXT")
	}
	name, err := currentContext()
	if err != nil {
		return nil, err
	}
	if name != "" {
		return contextEndpoint(name, "the docker CLI's current context ("+filepath.Join(configDir(), "config.json")+")")
	}
	return hostEndpoint("", "", "the default")
}

// currentContext reads the one field of the docker CLI's config.json that
// chooses the engine. The CLI's config package would bring in its
// credential helpers for nothing.
func currentContext() (string, error) {
	path := filepath.Join(configDir(), "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the docker CLI's configuration: %w", err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Errorf("the docker CLI's configuration %s is not valid JSON: %v", path, err)
	}
	return cfg.CurrentContext, nil
}

// hostEndpoint is the engine at host ("" for DOCKER_HOST's default), with
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI reads them.
func hostEndpoint(host, context, source string) (*endpoint, error) {
	if host == "" {
		host = client.DefaultDockerHost
	}
	ep := &endpoint{Host: host, Context: context, Source: source}
	if strings.HasPrefix(host, "ssh://") {
		opts, err := sshClientOpts(host)
		if err != nil {
			return nil, fmt.Errorf("docker engine %q (from %s): %w", host, source, err)
		}
		ep.opts = opts
	} else {
		ep.opts = []client.Opt{client.FromEnv, client.WithHost(host)}
	}
	ep.opts = append(ep.opts, client.WithAPIVersionNegotiation())
	return ep, nil
}

// sshClientOpts reach an ssh:// engine as the docker CLI does, with ssh
// and the remote `docker system dial-stdio`, every stream on the one SSH
// connection to that host the process shares (sshmux) with the jump hops
// to its machines: one handshake, not one per stream.
func sshClientOpts(host string) ([]client.Opt, error) {
	sp, err := sshspec.ParseURL(host)
	if err != nil {
		return nil, err
	}
	dest := sshmux.Dest{User: sp.User, Host: sp.Host, Port: sp.Port}
	helper, err := connhelper.GetConnectionHelperWithSSHOpts(host, dest.ClientOptions())
	if err != nil {
		return nil, err
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := sshmux.Ensure(ctx, dest, "-o", "ConnectTimeout=30", "-o", "BatchMode=yes"); err != nil {
			return nil, err
		}
		if c, err := dialEngineSocket(ctx, dest, sp.Path); err == nil {
			return c, nil
		}
		return helper.Dialer(ctx, network, addr)
	}
	// As the docker CLI's own client of an ssh:// engine: no proxy. Idle
	// streams are kept for the process's next requests.
	hc := &http.Client{
		Transport:     &http.Transport{DialContext: dial, MaxIdleConnsPerHost: 8, IdleConnTimeout: 5 * time.Minute},
		CheckRedirect: client.CheckRedirect,
	}
	return []client.Opt{client.WithHTTPClient(hc), client.WithHost(helper.Host), client.WithDialContext(dial)}, nil
}

// dialEngineSocket reaches the engine's unix socket on its host through
// the shared SSH connection's forward, with no remote process started
// (`docker system dial-stdio` starts the user's shell and the docker CLI,
// most of a command's time). The socket is the URL's path, else the one
// the host's docker CLI names for its current engine (its DOCKER_HOST or
// context, as dial-stdio would use): asked once and kept a day beside the
// connection's socket, checked by the first stream of each new connection
// and asked again when it no longer answers. An engine the CLI names
// otherwise (tcp://), or a forward the host refuses, is an error: the
// caller uses dial-stdio.
func dialEngineSocket(ctx context.Context, dest sshmux.Dest, path string) (net.Conn, error) {
	if _, refused := sshmux.Recall(dest, "no-forward"); refused {
		return nil, errors.New("the host does not forward its engine's socket over this connection")
	}
	remote, earlier := path, false
	if strings.Trim(path, "/") == "" {
		var err error
		if remote, earlier, err = engineSocket(ctx, dest); err != nil {
			return nil, err
		}
	}
	c, err := forwardTo(ctx, dest, remote)
	if err != nil && earlier {
		// Learnt earlier and no longer so (the host's engine moved).
		sshmux.Unkeep(dest, "docker-host")
		if remote, _, err = engineSocket(ctx, dest); err == nil {
			c, err = forwardTo(ctx, dest, remote)
		}
	}
	if err != nil {
		// Not again over this connection: dial-stdio it is.
		sshmux.Remember(dest, "no-forward", "yes")
		return nil, err
	}
	return c, nil
}

// engineSocket is the socket of the engine the docker CLI of dest's host
// names, as sshmux.Kept keeps it (earlier: learnt before).
func engineSocket(ctx context.Context, dest sshmux.Dest) (remote string, earlier bool, err error) {
	host, earlier, err := sshmux.Kept(ctx, dest, "docker-host", func(ctx context.Context) (string, error) {
		args := append(dest.ClientOptions(), "-o", "BatchMode=yes", "-T")
		args = append(args, dest.Args()...)
		out, err := exec.CommandContext(ctx, sshmux.SSHProgram, append(args, "docker context inspect --format '{{.Endpoints.docker.Host}}'")...).Output()
		return strings.TrimSpace(string(out)), err
	})
	if err != nil {
		return "", false, err
	}
	remote, ok := strings.CutPrefix(host, "unix://")
	if !ok || remote == "" {
		return "", false, fmt.Errorf("the engine of %s is %q, not a unix socket", dest.Host, host)
	}
	return remote, earlier, nil
}

// forwardTo connects to the unix socket remote on dest's host through the
// shared connection's forward; the forward's first stream checks that an
// engine answers there.
func forwardTo(ctx context.Context, dest sshmux.Dest, remote string) (net.Conn, error) {
	c, fresh, err := sshmux.DialForward(ctx, dest, remote)
	if err == nil && fresh {
		if err = pingOver(c); err == nil {
			c, _, err = sshmux.DialForward(ctx, dest, remote)
		}
	}
	return c, err
}

// pingOver asks the engine at the end of c whether it answers, and
// closes c.
func pingOver(c net.Conn) error {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "HEAD /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the engine's socket answered %s", resp.Status)
	}
	return nil
}

// contextStore opens the docker CLI's context store read-only in effect:
// envrun never writes it.
func contextStore() *store.ContextStore {
	cfg := store.NewConfig(
		func() any { return &map[string]any{} },
		store.EndpointTypeGetter(dcontext.DockerEndpoint, func() any { return &dcontext.EndpointMeta{} }),
	)
	return store.New(filepath.Join(configDir(), "contexts"), cfg)
}

// contextExists reports whether the docker context called name is in the
// store ("default" always is). It reads the store's files only; a
// context whose files cannot be read exists (resolving it says why).
func contextExists(s *store.ContextStore, name string) bool {
	if name == "default" {
		return true
	}
	_, err := s.GetMetadata(name)
	return !errors.Is(err, fs.ErrNotExist)
}

// unknownContext says that the docker context called name (chosen by
// from: " (from DOCKER_CONTEXT)", or "") is not in store s: the closest
// known name, how to make it, and the contexts there are.
func unknownContext(s *store.ContextStore, name, from string) error {
	known := []string{"default"}
	if list, err := s.List(); err == nil {
		for _, m := range list {
			known = append(known, m.Name)
		}
	}
	return fmt.Errorf("docker context %q%s does not exist in %s%s: create it with `docker context create %s --docker host=...`, or choose one of: %s",
		name, from, filepath.Join(configDir(), "contexts"), suggest.DidYouMean(name, known), name, strings.Join(known, ", "))
}

// contextEndpoint is the engine of the docker context called name, with
// the TLS material the context stores. "default" is the engine of
// DOCKER_HOST or the default socket, as for the docker CLI.
func contextEndpoint(name, source string) (*endpoint, error) {
	if name == "default" {
		return hostEndpoint(os.Getenv(client.EnvOverrideHost), "default", source)
	}
	s := contextStore()
	meta, err := s.GetMetadata(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, unknownContext(s, name, " (from "+source+")")
	}
	if err != nil {
		return nil, fmt.Errorf("docker context %q (from %s): %w", name, source, err)
	}
	epMeta, err := dcontext.EndpointFromContext(meta)
	if err != nil {
		return nil, fmt.Errorf("docker context %q (from %s): %w", name, source, err)
	}
	full, err := dcontext.WithTLSData(s, name, epMeta)
	if err != nil {
		return nil, fmt.Errorf("docker context %q (from %s): TLS material: %w", name, source, err)
	}
	var opts []client.Opt
	if strings.HasPrefix(epMeta.Host, "ssh://") {
		opts, err = sshClientOpts(epMeta.Host)
		opts = append(opts, client.WithAPIVersionNegotiation())
	} else {
		opts, err = full.ClientOpts()
	}
	if err != nil {
		return nil, fmt.Errorf("docker context %q (from %s): %w", name, source, err)
	}
	host := epMeta.Host
	if host == "" {
		host = client.DefaultDockerHost
	}
	return &endpoint{Host: host, Context: name, Source: source, opts: opts}, nil
}

// sshHost is the SSH destination of an ssh:// engine, nil for others.
func (ep *endpoint) sshHost() *sshspec.Spec {
	if !strings.HasPrefix(ep.Host, "ssh://") {
		return nil
	}
	sp, err := sshspec.ParseURL(ep.Host)
	if err != nil {
		return nil
	}
	return sp
}
