package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/envrun/envrun/cli"
	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
)

// BenchmarkIntegrationStatusAll50 times `envrun status --all` (issue 17:
// ≤ 0.2 s for 50 machines on Docker) over 50 running containers that carry
// every label envrun puts on a machine, made here through the Docker API
// (what is timed is the listing, not bringing machines up). "in-process"
// is the command run by cli.Run, "process" the built binary, start-up
// included; "process-start-up-only" is `envrun version`, to tell the
// two apart:
//
//	go test -tags libvirt_dlopen ./cli -run '^$' -bench StatusAll50 -benchtime 20x
func BenchmarkIntegrationStatusAll50(b *testing.B) {
	providertest.Require(b, docker.Driver)
	ctx := context.Background()
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	dir := b.TempDir()
	envfile := filepath.Join(dir, "Envfile.lua")
	project := fmt.Sprintf("t-life-bench-%d", time.Now().UnixNano()%1e6)
	var ids []string
	defer func() {
		for _, id := range ids {
			c.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
		}
	}()
	for i := range 50 {
		name := fmt.Sprintf("m%d", i)
		r, err := c.ContainerCreate(ctx, &container.Config{
			Image: "envrun/box:debian-bookworm", Cmd: []string{"sleep", "infinity"}, Entrypoint: []string{},
			Labels: map[string]string{
				docker.LabelProject: project, docker.LabelMachine: name, docker.LabelEnvfile: envfile,
				docker.LabelUser: "vagrant", docker.LabelIP: fmt.Sprintf("172.24.200.%d", 10+i),
				docker.LabelHostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake",
				docker.LabelKey:     "SHA256:0123456789abcdef0123456789abcdef0123456789a",
				docker.LabelConfig:  strings.Repeat("c", 64),
			},
		}, nil, nil, nil, project+"-"+name)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, r.ID)
		if err := c.ContainerStart(ctx, r.ID, container.StartOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	count := func(out string) int {
		var rows []allRow
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		n := 0
		for _, r := range rows {
			if r.Project == project && r.Envfile == envfile && r.State == "running" {
				n++
			}
		}
		return n
	}
	b.Run("in-process", func(b *testing.B) {
		b.Chdir(dir)
		for b.Loop() {
			var stdout, stderr bytes.Buffer
			code := cli.Run(ctx, []string{"status", "--all", "--json", "--provider", "docker"}, strings.NewReader(""), &stdout, &stderr)
			if code != 0 || count(stdout.String()) != 50 {
				b.Fatalf("exit %d, %d of 50 machines\n%s", code, count(stdout.String()), stderr.String())
			}
		}
	})
	// The binary's start-up alone, for comparison.
	b.Run("process-start-up-only", func(b *testing.B) {
		bin := envrunBinary(b)
		for b.Loop() {
			if out, err := exec.Command(bin, "version").Output(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
		}
	})
	b.Run("process", func(b *testing.B) {
		bin := envrunBinary(b)
		for b.Loop() {
			cmd := exec.Command(bin, "status", "--all", "--json", "--provider", "docker")
			cmd.Dir = dir
			out, err := cmd.Output()
			if err != nil || count(string(out)) != 50 {
				b.Fatalf("%v, %d of 50 machines", err, count(string(out)))
			}
		}
	})
}
