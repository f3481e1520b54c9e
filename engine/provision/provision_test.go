package provision

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/spec"
)

// localTarget runs commands with the local /bin/sh, standing in for a
// machine to check the command line Remote builds. Like comm.Client, it
// holds stdin open until the command ends when asked to.
type localTarget struct{}

func (localTarget) Run(ctx context.Context, c comm.Cmd) error {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", c.Command)
	cmd.Stdout, cmd.Stderr = c.Stdout, c.Stderr
	w, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if c.Stdin != nil {
		io.Copy(w, c.Stdin)
	}
	if !c.HoldStdin {
		w.Close()
	}
	err = cmd.Wait()
	w.Close()
	return err
}

func (localTarget) Upload(ctx context.Context, src, dst string) error { return nil }

func (localTarget) UploadTree(ctx context.Context, src, dst string, _ comm.UploadOptions) error {
	return nil
}

func TestShellCommand(t *testing.T) {
	s := &spec.Shell{Inline: "echo $GREETING \"$1\" $0", Args: []string{"a b"}, Env: map[string]string{"GREETING": "hi there"}}
	command := func(user string) string {
		line, _ := Remote{Script: s.Inline, Args: s.Args, Env: s.Env, Privileged: s.Privileged, User: user}.Command()
		return line
	}
	if got := command("vagrant"); strings.Contains(got, "sudo") {
		t.Errorf("unprivileged command uses sudo: %s", got)
	}
	s.Privileged = true
	if got := command("vagrant"); !strings.HasPrefix(got, "exec sudo -n -H sh -c ") || !strings.HasSuffix(got, ` envrun-step 27 22 - 'a b'`) {
		t.Errorf("privileged command = %s", got)
	}
	if got := command("root"); strings.Contains(got, "sudo") {
		t.Errorf("root needs no sudo: %s", got)
	}
	// Run it for real through a shell (without sudo): the script gets its
	// env and args, and its temporary file is removed.
	s.Privileged = false
	var out bytes.Buffer
	m := &spec.Machine{Name: "m", User: "vagrant"}
	if err := Shell(context.Background(), s, m, localTarget{}, Output{Stdout: &out, Stderr: io.Discard}); err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(out.String())
	if len(fields) != 5 || fields[0] != "hi" || fields[1] != "there" || fields[2] != "a" || fields[3] != "b" || !strings.HasPrefix(fields[4], "/tmp/envrun-step.") {
		t.Fatalf("script printed %q", out.String())
	}
	if err := exec.Command("test", "-e", fields[4]).Run(); err == nil {
		t.Errorf("temporary script %s was not removed", fields[4])
	}
	// A script with its own interpreter line is run by it.
	py := &spec.Shell{Inline: "#!/bin/sh\necho from-shebang\nexit 3\n"}
	out.Reset()
	err := Shell(context.Background(), py, m, localTarget{}, Output{Stdout: &out, Stderr: io.Discard})
	if err == nil || out.String() != "from-shebang\n" {
		t.Errorf("shebang script: %v, %q", err, out.String())
	}
}

// optsTarget records the options of a file step's upload.
type optsTarget struct {
	localTarget
	opts []comm.UploadOptions
}

func (t *optsTarget) UploadTree(ctx context.Context, src, dst string, opts comm.UploadOptions) error {
	t.opts = append(t.opts, opts)
	return nil
}

// TestFileSync: sync = "full" uploads without Changes (the whole folder
// every time); the default and "changes" send the changes.
func TestFileSync(t *testing.T) {
	m := &spec.Machine{Name: "m", User: "vagrant"}
	for sync, want := range map[string]bool{"": true, spec.SyncChanges: true, spec.SyncFull: false} {
		var target optsTarget
		f := &spec.File{Source: t.TempDir(), Destination: "/x", Sync: sync}
		if err := Run(context.Background(), f, m, &target, Output{}); err != nil {
			t.Fatal(err)
		}
		if len(target.opts) != 1 || target.opts[0].Changes != want {
			t.Errorf("sync %q: uploads %+v, want Changes %v", sync, target.opts, want)
		}
	}
}
