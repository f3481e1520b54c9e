package luaapi

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/spec"
)

// The stdlib's steps are shell scripts; these tests run them on this
// machine against temporary files and stub commands, to prove their logic
// (what is done, what is skipped the second time). The integration test
// in cli runs them on real machines.

// loadSource loads an Envfile given as text and returns its spec.
func loadSource(t *testing.T, src string) *spec.Envfile {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "Envfile.lua")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := Load(context.Background(), path, Options{Print: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	return env.Spec
}

// inline is the script of a machine's step.
func inline(t *testing.T, ef *spec.Envfile, machine string, i int) string {
	t.Helper()
	s, ok := ef.Machine(machine).Steps[i].(*spec.Shell)
	if !ok {
		t.Fatalf("%s step %d is a %T, not a shell step", machine, i, ef.Machine(machine).Steps[i])
	}
	return s.Inline
}

// runScript runs a step's script with sh (or its #! interpreter) and
// returns its output and exit status.
func runScript(t *testing.T, script string, env ...string) (string, int) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "step")
	if err := os.WriteFile(file, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(file)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return string(out), exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// stubs makes a folder of stub commands: dpkg-query answers "installed"
// for the packages in $INSTALLED, apt-get appends its arguments to $LOG.
func stubs(t *testing.T) string {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"dpkg-query": `for a; do p=$a; done; case " $INSTALLED " in *" $p "*) printf installed;; *) exit 1;; esac`,
		"apt-get":    `echo "$*" >>"$LOG"`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPackagesScriptInstallsOnlyWhatIsMissing(t *testing.T) {
	ef := loadSource(t, `
local debian = require "envrun.debian"
machine "m" { provision = {
  debian.packages { "nginx", "curl", "git", update = "always" },
  debian.packages { "curl", update = "never", name = "again" },
} }`)
	bin := stubs(t)
	path := "PATH=" + bin + ":" + os.Getenv("PATH")
	for _, tc := range []struct {
		name, installed, step string
		i                     int
		wantLog, wantOut      string
	}{
		{"all installed", "nginx curl git", "", 0, "", "packages: all installed: nginx curl git"},
		{"some missing", "curl", "", 0, "-q -o DPkg::Lock::Timeout=300 update\ninstall -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends nginx git\n", "packages: installed: nginx git"},
		{"never updates", "", "", 1, "install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends curl\n", "packages: installed: curl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "apt-get.log")
			out, code := runScript(t, inline(t, ef, "m", tc.i), path, "INSTALLED="+tc.installed, "LOG="+log)
			if code != 0 || !strings.Contains(out, tc.wantOut) {
				t.Errorf("exit %d, output %q; want 0 and %q", code, out, tc.wantOut)
			}
			got, _ := os.ReadFile(log)
			if string(got) != tc.wantLog {
				t.Errorf("apt-get ran with:\n%s\nwant:\n%s", got, tc.wantLog)
			}
		})
	}
}

func TestHostsScriptKeepsOneBlock(t *testing.T) {
	src := `
local hosts = require "envrun.hosts"
network "lab" { subnet = "172.31.90.0/24" }
machine "a" { hostname = "a.lab.test", networks = { lab = "172.31.90.11" }, provision = { hosts.step() } }
machine "b" { networks = { lab = "%s" } }`
	file := filepath.Join(t.TempDir(), "hosts")
	orig := "127.0.0.1\tlocalhost\n# a comment the user wrote\n172.31.90.11\ta-by-docker\n"
	if err := os.WriteFile(file, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(bIP string) string {
		t.Helper()
		script := strings.ReplaceAll(inline(t, loadSource(t, fmt.Sprintf(src, bIP)), "a", 0), "/etc/hosts", file)
		out, code := runScript(t, script)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, out)
		}
		return out
	}
	block := func(bIP string) string {
		return "# BEGIN envrun hosts\n172.31.90.11\ta.lab.test a\n" + bIP + "\tb\n# END envrun hosts\n"
	}
	if out := run("172.31.90.12"); !strings.Contains(out, "updated (2 entries)") {
		t.Errorf("first run: %q", out)
	}
	got, _ := os.ReadFile(file)
	if want := orig + block("172.31.90.12"); string(got) != want {
		t.Errorf("hosts after the first run:\n%s\nwant:\n%s", got, want)
	}
	if out := run("172.31.90.12"); !strings.Contains(out, "unchanged") {
		t.Errorf("second run: %q", out)
	}
	run("172.31.90.13")
	got, _ = os.ReadFile(file)
	if want := orig + block("172.31.90.13"); string(got) != want {
		t.Errorf("hosts after an address changed:\n%s\nwant:\n%s", got, want)
	}
}

func TestTemplateScriptWritesOnlyWhatDiffers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("install -o root needs root")
	}
	dest := filepath.Join(t.TempDir(), "etc", "app", "app.conf")
	ef := loadSource(t, fmt.Sprintf(`
local template = require "envrun.template"
machine "m" { provision = {
  template.file { text = "port={{ .port }}", destination = %q, vars = { port = 8080 }, mode = "0640" },
} }`, dest))
	script := inline(t, ef, "m", 0)
	if out, code := runScript(t, script); code != 0 || !strings.Contains(out, "written") {
		t.Fatalf("first run: exit %d, %q", code, out)
	}
	got, _ := os.ReadFile(dest)
	fi, _ := os.Stat(dest)
	if string(got) != "port=8080" || fi.Mode().Perm() != 0o640 {
		t.Errorf("%s: %q mode %v, want \"port=8080\" (no newline added) mode 0640", dest, got, fi.Mode().Perm())
	}
	if out, _ := runScript(t, script); !strings.Contains(out, "unchanged") {
		t.Errorf("second run: %q", out)
	}
	os.Chmod(dest, 0o600)
	if out, _ := runScript(t, script); !strings.Contains(out, "written") {
		t.Errorf("after a mode change: %q", out)
	}
	if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v not restored", fi.Mode().Perm())
	}
}

func TestWaitPortScript(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	open := ln.Addr().(*net.TCPAddr).Port
	// A port nothing listens on: listen, note it, close.
	l2, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l2.Addr().(*net.TCPAddr).Port
	l2.Close()
	ef := loadSource(t, fmt.Sprintf(`
local net = require "envrun.net"
machine "m" { provision = {
  net.wait_port { host = "127.0.0.1", port = %d, timeout = 5 },
  net.wait_port { port = %d, timeout = 2 },
} }`, open, closed))
	if out, code := runScript(t, inline(t, ef, "m", 0)); code != 0 || !strings.Contains(out, "accepts connections") {
		t.Errorf("open port: exit %d, %q", code, out)
	}
	out, code := runScript(t, inline(t, ef, "m", 1))
	if want := fmt.Sprintf("nothing accepted TCP connections on m:%d within 2s", closed); code != 1 || !strings.Contains(out, want) {
		t.Errorf("closed port: exit %d, %q; want 1 and %q", code, out, want)
	}

	// A port that opens while the step waits: it waits, then succeeds.
	late := loadSource(t, fmt.Sprintf(`
local net = require "envrun.net"
machine "m" { provision = { net.wait_port { port = %d, timeout = 20 } } }`, closed))
	opened := make(chan struct{})
	go func() {
		time.Sleep(1500 * time.Millisecond)
		// Before the listen: the step may see the port open and end
		// before this goroutine runs again.
		close(opened)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", closed))
		if err != nil {
			t.Errorf("listen late: %v", err)
			return
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
	}()
	out, code = runScript(t, inline(t, late, "m", 0))
	select {
	case <-opened:
	default:
		t.Errorf("the step ended before the port was opened: exit %d, %q", code, out)
	}
	if code != 0 || !strings.Contains(out, "accepts connections") {
		t.Errorf("late port: exit %d, %q", code, out)
	}
}
