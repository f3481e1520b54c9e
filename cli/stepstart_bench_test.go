package cli_test

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provision"
	"github.com/envrun/envrun/engine/state"
)

const stepStartEnvfile = `box "debian/bookworm"
network "ssnet" { subnet = "172.31.105.0/24", gateway = "172.31.105.1" }
machine "m" { networks = { ssnet = "172.31.105.10" } }
`

// BenchmarkIntegrationStepStart measures, on a real Docker machine over
// envrun's SSH connection, how long a step takes from envrun asking for
// it to the script's first command, and what each layer costs. Each
// sample runs three commands, interleaved so that they see the same load:
//
//   - session: a bare command (`date`), no supervisor: the SSH session,
//     sshd and the login shell;
//   - step: the same as a step runs (provision.Remote), unprivileged: the
//     supervisor's own start-up is step − session;
//   - privileged: a privileged step (the default), through sudo: sudo's
//     start-up is privileged − step.
//
// The first command's time is read on the machine (a container shares the
// host's clock). b.N is not used. Run it with:
//
//	go test ./cli -run '^$' -bench StepStart -benchtime 1x
func BenchmarkIntegrationStepStart(b *testing.B) {
	const samples = 40
	wd := newWorld(b, stepStartEnvfile)
	if r := wd.run("up"); r.code != 0 {
		b.Fatalf("up: %s", r)
	}
	st := state.ForEnvfile(filepath.Join(wd.dir, "Envfile.lua"))
	key, err := comm.LoadPrivateKey(st.KeyPath())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	c, err := comm.Dial(ctx, comm.Config{
		Machine: "m", Addr: net.JoinHostPort("172.31.105.10", "22"), User: "vagrant",
		Signer: key.Signer, HostKey: comm.OpenKnownHosts(st.KnownHostsPath()).Callback("m"),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	// run runs cmd and returns the time from the call to the first
	// command's clock reading on the machine.
	run := func(cmd comm.Cmd) time.Duration {
		var out bytes.Buffer
		cmd.Stdout = &out
		t0 := time.Now()
		if err := c.Run(ctx, cmd); err != nil {
			b.Fatalf("%s: %v", cmd.Command, err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(out.String()), 10, 64)
		if err != nil {
			b.Fatalf("unexpected output %q", out.String())
		}
		return time.Unix(0, ns).Sub(t0)
	}
	remote := func(privileged bool) comm.Cmd {
		r := provision.Remote{Script: "date +%s%N", User: "vagrant", Privileged: privileged, Env: map[string]string{"STEP": "bench"}}
		line, stdin := r.Command()
		return comm.Cmd{Command: line, Stdin: bytes.NewReader(stdin), HoldStdin: true}
	}
	var session, step, privileged []time.Duration
	b.ResetTimer()
	for range samples {
		session = append(session, run(comm.Cmd{Command: "date +%s%N"}))
		step = append(step, run(remote(false)))
		privileged = append(privileged, run(remote(true)))
		time.Sleep(50 * time.Millisecond) // as steps come, not back to back
	}
	b.StopTimer()
	reportDurations(b, "session", session)
	reportDurations(b, "step", step)
	reportDurations(b, "privileged", privileged)
	b.ReportMetric(0, "ns/op")
}
