package cli_test

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// watchEnvfile is the environment TestIntegrationWatch watches: two
// machines, each running a script, and alpha an inline command from a
// module; the marker line is where a third machine is added.
const watchEnvfile = `box "debian/bookworm"
local lib = require "lib"
network "wnet" { subnet = "172.31.103.0/24", gateway = "172.31.103.1" }

machine "alpha" {
  networks = { wnet = "172.31.103.10" },
  provision = {
    shell { path = "scripts/alpha.sh" },
    shell { inline = lib.command },
  },
}

machine "beta" {
  networks = { wnet = "172.31.103.11" },
  provision = { shell { path = "scripts/beta.sh" } },
}
-- more machines
`

const gammaMachine = `machine "gamma" {
  networks = { wnet = "172.31.103.12" },
  provision = { shell { path = "scripts/gamma.sh" } },
}
`

// stepStart matches the line a machine step prints as it starts.
var stepStart = regexp.MustCompile(`^(\S+)\s+\| \[([^\]]+)\] `)

// startedSteps lists "machine/step" for every step start among lines.
func startedSteps(lines []string) []string {
	var out []string
	for _, l := range lines {
		if m := stepStart.FindStringSubmatch(l); m != nil {
			out = append(out, m[1]+"/"+m[2])
		}
	}
	return out
}

// TestIntegrationWatch runs `envrun watch` on real Docker machines, as a
// user would (the real binary entry, a real SIGINT), and edits files under
// it.
func TestIntegrationWatch(t *testing.T) {
	good := strings.Replace(watchEnvfile, "-- more machines\n", gammaMachine, 1)
	wd := newWorld(t, watchEnvfile)
	dir := wd.dir
	envfile := filepath.Join(dir, "Envfile.lua")
	writeFile(t, filepath.Join(dir, "scripts/alpha.sh"), "echo RAN alpha v1\n")
	writeFile(t, filepath.Join(dir, "scripts/beta.sh"), "echo RAN beta v1\n")
	writeFile(t, filepath.Join(dir, "scripts/gamma.sh"), "echo RAN gamma v1\n")
	writeFile(t, filepath.Join(dir, "lib.lua"), `return { command = "echo RAN lib v1" }`+"\n")
	t.Cleanup(func() { writeFile(t, envfile, good) }) // for destroy, as a test may leave it broken

	const long = 3 * time.Minute // bringing machines up; the rest is quick
	const short = 30 * time.Second
	w := startWatch(t, wd, "-v")
	w.waitLine(t, 0, "envrun: ok: 2 machine(s) up", long)
	w.waitLine(t, 0, "watching 2 path(s) of 2 step(s), and Envfile.lua, lib.lua", short)
	for _, want := range []string{"watch alpha/shell#1: scripts/alpha.sh (path)", "watch beta/shell#1: scripts/beta.sh (path)", "watch the Envfile: Envfile.lua, lib.lua"} {
		w.waitLine(t, 0, want, short) // -v prints the watched set
	}
	up := instances(wd)

	t.Run("a changed script re-runs that step on that machine only", func(t *testing.T) {
		m := w.mark()
		writeFile(t, filepath.Join(dir, "scripts/alpha.sh"), "echo RAN alpha v2\n")
		w.waitLine(t, m, "scripts/alpha.sh changed → re-run alpha/shell#1", short)
		end := w.waitLine(t, m, "envrun: ok: re-ran alpha/shell#1 in", short)
		lines := w.linesFrom(m)[:end-m+1]
		if got := startedSteps(lines); strings.Join(got, " ") != "alpha/shell#1" {
			t.Errorf("steps that ran: %q, want alpha/shell#1 only", got)
		}
		if !strings.Contains(strings.Join(lines, "\n"), "alpha | RAN alpha v2") {
			t.Errorf("the new script did not run:\n%s", strings.Join(lines, "\n"))
		}
	})

	t.Run("a file no step reads runs nothing", func(t *testing.T) {
		m := w.mark()
		writeFile(t, filepath.Join(dir, "notes.txt"), "not read by any step\n")
		writeFile(t, filepath.Join(dir, "scripts/.alpha.sh.swp"), "vim swap file\n")
		i := w.waitLine(t, m, "notes.txt changed → nothing to re-run (no step reads it", short)
		// Anything that would run would have been announced by now, in
		// the same batch or an earlier one: the next trigger shows none.
		m2 := w.mark()
		writeFile(t, filepath.Join(dir, "scripts/beta.sh"), "echo RAN beta v2\n")
		w.waitLine(t, m2, "envrun: ok: re-ran beta/shell#1", short)
		lines := w.linesFrom(m)
		if got := startedSteps(lines); strings.Join(got, " ") != "beta/shell#1" {
			t.Errorf("steps that ran: %q, want beta/shell#1 (for the later change) only", got)
		}
		for _, l := range lines[:i-m] {
			if strings.Contains(l, "changed →") && !strings.Contains(l, "nothing to re-run") {
				t.Errorf("a trigger before the unrelated file's: %q", l)
			}
		}
		if strings.Contains(strings.Join(lines, "\n"), ".alpha.sh.swp changed →") {
			t.Errorf("a swap file was taken for a change:\n%s", strings.Join(lines, "\n"))
		}
		// .envrunignore applies as soon as it is saved.
		m = w.mark()
		writeFile(t, filepath.Join(dir, ".envrunignore"), "# scratch files\nnotes.txt\n")
		w.waitLine(t, m, ".envrunignore changed → re-read the ignore patterns", short)
		w.waitLine(t, m, ".envrunignore: 1 pattern(s) in force", short)
		writeFile(t, filepath.Join(dir, "notes.txt"), "still not read\n")
		writeFile(t, filepath.Join(dir, "scripts/beta.sh"), "echo RAN beta v2.1\n")
		end := w.waitLine(t, m, "envrun: ok: re-ran beta/shell#1", short)
		for _, l := range w.linesFrom(m)[:end-m] {
			if strings.Contains(l, "notes.txt") {
				t.Errorf("an ignored file was taken for a change: %q", l)
			}
		}
	})

	t.Run("a module the Envfile requires is watched: the step it changes re-runs", func(t *testing.T) {
		m := w.mark()
		writeFile(t, filepath.Join(dir, "lib.lua"), `return { command = "echo RAN lib v2" }`+"\n")
		w.waitLine(t, m, "lib.lua changed → re-load the Envfile", short)
		end := w.waitLine(t, m, "envrun: ok: re-ran alpha/shell#2 in", short)
		if got := startedSteps(w.linesFrom(m)[:end-m]); strings.Join(got, " ") != "alpha/shell#2" {
			t.Errorf("steps that ran: %q, want alpha/shell#2 only", got)
		}
		w.waitLine(t, m, "alpha | RAN lib v2", short)
	})

	t.Run("a machine added to the Envfile comes up", func(t *testing.T) {
		m := w.mark()
		writeFile(t, envfile, good)
		w.waitLine(t, m, "Envfile.lua changed → re-load the Envfile", short)
		w.waitLine(t, m, "new machine(s) in the Envfile: gamma", short)
		w.waitLine(t, m, "gamma | RAN gamma v1", long)
		w.waitLine(t, m, "envrun: ok: 1 machine(s) up", short)
		if got := startedSteps(w.linesFrom(m)); strings.Join(got, " ") != "gamma/shell#1" {
			t.Errorf("steps that ran: %q, want gamma/shell#1 only", got)
		}
		now := instances(wd)
		if !strings.HasPrefix(now["gamma"], "running ") {
			t.Fatalf("gamma is %q", now["gamma"])
		}
		for _, name := range []string{"alpha", "beta"} {
			if now[name] != up[name] {
				t.Errorf("%s changed: %v, was %v", name, now[name], up[name])
			}
		}
		up = now
		// The new machine's script is watched from now on.
		m = w.mark()
		writeFile(t, filepath.Join(dir, "scripts/gamma.sh"), "echo RAN gamma v2\n")
		w.waitLine(t, m, "envrun: ok: re-ran gamma/shell#1", short)
	})

	t.Run("an Envfile that does not load is reported and the environment kept", func(t *testing.T) {
		m := w.mark()
		broken := good + "machine \"delta\" { networks = { wnet = \"172.31.103.13\" }, cpus = \"two\" }\n"
		line := strings.Count(broken, "\n")
		writeFile(t, envfile, broken)
		w.waitLine(t, m, "Envfile.lua:"+strconv.Itoa(line)+`: machine "delta": cpus: expected number, got string`, short)
		w.waitLine(t, m, "the Envfile did not load: the last good environment stays up and watched", short)
		// Still watched, with the last good Envfile's steps.
		m2 := w.mark()
		writeFile(t, filepath.Join(dir, "scripts/alpha.sh"), "echo RAN alpha v3\n")
		w.waitLine(t, m2, "envrun: ok: re-ran alpha/shell#1", short)
		// A syntax error too, then the good Envfile back: nothing to apply.
		m3 := w.mark()
		writeFile(t, envfile, good+"local x = = 1\n")
		w.waitLine(t, m3, "Envfile.lua:"+strconv.Itoa(strings.Count(good, "\n")+1)+": syntax error", short)
		writeFile(t, envfile, good)
		w.waitLine(t, m3, "the Envfile changed nothing the watch applies", short)
		w.waitLine(t, m3, "envrun: ok: re-loaded the Envfile in", short)
		if got := startedSteps(w.linesFrom(m)); strings.Join(got, " ") != "alpha/shell#1" {
			t.Errorf("steps that ran: %q, want alpha/shell#1 (for its script) only", got)
		}
		if now := instances(wd); !maps.Equal(now, up) {
			t.Errorf("the machines changed: %v, were %v", now, up)
		}
	})

	t.Run("a step that fails is reported and the watch goes on", func(t *testing.T) {
		m := w.mark()
		writeFile(t, filepath.Join(dir, "scripts/beta.sh"), "echo about to fail; exit 3\n")
		line := strings.Count(good[:strings.Index(good, "scripts/beta.sh")], "\n") + 1
		w.waitLine(t, m, "FAILED beta/shell#1: Envfile.lua:"+strconv.Itoa(line)+`: shell step "shell#1"`, short)
		w.waitLine(t, m, "exit status 3", short)
		m = w.mark()
		writeFile(t, filepath.Join(dir, "scripts/beta.sh"), "echo RAN beta v3\n")
		w.waitLine(t, m, "envrun: ok: re-ran beta/shell#1", short)
	})

	t.Run("changes during a run queue up and merge", func(t *testing.T) {
		m := w.mark()
		writeFile(t, filepath.Join(dir, "scripts/alpha.sh"), "echo slow start; sleep 3; echo slow end\n")
		w.waitLine(t, m, "alpha | slow start", short)
		// Three changes while alpha's step runs, each its own batch: two to
		// beta's script, one to alpha's (its step must not run twice at once).
		writeFile(t, filepath.Join(dir, "scripts/beta.sh"), "echo RAN beta v4\n")
		w.waitLine(t, m, "scripts/beta.sh changed → re-run beta/shell#1 (queued: a run is in progress)", short)
		m2 := w.mark()
		writeFile(t, filepath.Join(dir, "scripts/beta.sh"), "echo RAN beta v5\n")
		w.waitLine(t, m2, "scripts/beta.sh changed → re-run beta/shell#1 (queued: a run is in progress)", short)
		m3 := w.mark()
		writeFile(t, filepath.Join(dir, "scripts/alpha.sh"), "echo RAN alpha v4\n")
		w.waitLine(t, m3, "scripts/alpha.sh changed → re-run alpha/shell#1 (queued: a run is in progress)", short)
		first := w.waitLine(t, m, "envrun: ok: re-ran alpha/shell#1 in", short)
		second := w.waitLine(t, first+1, "envrun: ok: re-ran alpha/shell#1, beta/shell#1 in", short)
		lines := w.linesFrom(m)
		if got := startedSteps(lines[:first-m]); strings.Join(got, " ") != "alpha/shell#1" {
			t.Errorf("first run: %q, want alpha/shell#1", got)
		}
		got := startedSteps(lines[first-m : second-m])
		if strings.Join(got, " ") != "alpha/shell#1 beta/shell#1" && strings.Join(got, " ") != "beta/shell#1 alpha/shell#1" {
			t.Errorf("the queued run: %q, want alpha/shell#1 and beta/shell#1 once each", got)
		}
		text := strings.Join(lines, "\n")
		if !strings.Contains(text, "RAN beta v5") || strings.Contains(text, "RAN beta v4") {
			t.Errorf("want beta's last version only to run:\n%s", text)
		}
	})

	t.Run("Ctrl-C while a step runs stops at once and leaves the machines up", func(t *testing.T) {
		m := w.mark()
		writeFile(t, filepath.Join(dir, "scripts/alpha.sh"), "echo long step; sleep 60\n")
		w.waitLine(t, m, "alpha | long step", short)
		ctrlC(t, w, 130) // a step was cut short
		if w.stdout.Len() != 0 {
			t.Errorf("watch printed on stdout: %q", w.stdout.String())
		}
		if now := instances(wd); !maps.Equal(now, up) {
			t.Errorf("the machines changed: %v, were %v", now, up)
		}
	})

	t.Run("Ctrl-C while idle exits 0 and leaves the machines up", func(t *testing.T) {
		// A new watch on the environment, up and provisioned: its up does
		// nothing.
		w := startWatch(t, wd)
		w.waitLine(t, 0, "envrun: ok: 3 machine(s) up", long)
		w.waitLine(t, 0, "watching 3 path(s) of 3 step(s)", short)
		if got := startedSteps(w.linesFrom(0)); len(got) > 0 {
			t.Errorf("steps ran on an up environment: %q", got)
		}
		ctrlC(t, w, 0)
		if now := instances(wd); !maps.Equal(now, up) {
			t.Errorf("the machines changed: %v, were %v", now, up)
		}
		// The lock is free: a mutating command runs.
		wd.with(t).mustRun("provision", "beta")
	})

	t.Run("a machine removed from the Envfile is reported, and destroyed with --prune", func(t *testing.T) {
		w := startWatch(t, wd)
		w.waitLine(t, 0, "watching 3 path(s) of 3 step(s)", long)
		m := w.mark()
		writeFile(t, envfile, watchEnvfile)
		w.waitLine(t, m, "gamma | warning: no longer in the Envfile: left running", short)
		w.waitLine(t, m, "envrun: ok: re-loaded the Envfile in", short)
		ctrlC(t, w, 0)
		if now := instances(wd); !maps.Equal(now, up) {
			t.Errorf("the machines changed: %v, were %v", now, up)
		}

		writeFile(t, envfile, good)
		w = startWatch(t, wd, "--prune")
		w.waitLine(t, 0, "watching 3 path(s) of 3 step(s)", long)
		m = w.mark()
		writeFile(t, envfile, watchEnvfile)
		w.waitLine(t, m, "removing machine(s) no longer in the Envfile: gamma", short)
		w.waitLine(t, m, "gamma | destroyed", short)
		w.waitLine(t, m, "envrun: ok: re-loaded the Envfile in", short)
		ctrlC(t, w, 0)
		now := instances(wd)
		delete(up, "gamma")
		if !maps.Equal(now, up) {
			t.Errorf("machines %v, want %v", now, up)
		}
	})
}

// ctrlC sends SIGINT and checks that the watch exits with status want
// within 2 seconds.
func ctrlC(t *testing.T, w *watchProc, want int) {
	t.Helper()
	code, took := w.interrupt(t, 5*time.Second)
	t.Logf("exited %d, %s after SIGINT", code, took.Round(time.Millisecond))
	if code != want {
		t.Errorf("exit status %d, want %d", code, want)
	}
	if took > 2*time.Second {
		t.Errorf("took %s to stop, want at most 2s", took)
	}
}

// TestIntegrationWatchSettingsFile: settings files an Envfile reads with
// a default (envrun.yaml.read and envrun.json.read of a file that may be
// missing) are watched from the start, missing or not: one that appears
// while `envrun watch` runs re-loads the Envfile and re-runs the step its
// value changed, on a real Docker machine; a bad document is reported at
// its file and line with the environment kept; removing the file brings
// the default back.
func TestIntegrationWatchSettingsFile(t *testing.T) {
	t.Parallel()
	wd := newWorld(t, `box "debian/bookworm"
local s = envrun.yaml.read("settings.local.yaml", { greeting = "default" })
local extra = envrun.json.read("extra.json", { name = "nobody" })
network "snet" { subnet = "172.31.106.0/24", gateway = "172.31.106.1" }
machine "m" {
  networks = { snet = "172.31.106.10" },
  provision = {
    shell { name = "greet", inline = "echo GREETING " .. s.greeting },
    shell { name = "name", inline = "echo NAME " .. extra.name },
  },
}
`)
	dir := wd.dir
	const long = 3 * time.Minute
	const short = 30 * time.Second
	w := startWatch(t, wd, "-v")
	w.waitLine(t, 0, "m | GREETING default", long)
	w.waitLine(t, 0, "envrun: ok: 1 machine(s) up", long)
	w.waitLine(t, 0, "watch the Envfile: Envfile.lua, settings.local.yaml, extra.json", short)

	m := w.mark()
	writeFile(t, filepath.Join(dir, "settings.local.yaml"), "# made while watch runs\ngreeting: hello\n")
	w.waitLine(t, m, "settings.local.yaml changed → re-load the Envfile", short)
	end := w.waitLine(t, m, "envrun: ok: re-ran m/greet in", short)
	if got := startedSteps(w.linesFrom(m)[:end-m]); strings.Join(got, " ") != "m/greet" {
		t.Errorf("steps that ran: %q, want m/greet only", got)
	}
	w.waitLine(t, m, "m | GREETING hello", short)

	m = w.mark()
	writeFile(t, filepath.Join(dir, "extra.json"), `{"name": "ada"}`+"\n")
	w.waitLine(t, m, "extra.json changed → re-load the Envfile", short)
	w.waitLine(t, m, "m | NAME ada", short)
	w.waitLine(t, m, "envrun: ok: re-ran m/name in", short)

	m = w.mark()
	writeFile(t, filepath.Join(dir, "settings.local.yaml"), "greeting: hello\n  bad: [\n")
	w.waitLine(t, m, "settings.local.yaml:2:", short)
	w.waitLine(t, m, "the Envfile did not load: the last good environment stays up and watched", short)

	m = w.mark()
	if err := os.Remove(filepath.Join(dir, "settings.local.yaml")); err != nil {
		t.Fatal(err)
	}
	w.waitLine(t, m, "settings.local.yaml changed → re-load the Envfile", short)
	w.waitLine(t, m, "m | GREETING default", short)
	end = w.waitLine(t, m, "envrun: ok: re-ran m/greet in", short)
	if got := startedSteps(w.linesFrom(m)[:end-m]); strings.Join(got, " ") != "m/greet" {
		t.Errorf("steps that ran: %q, want m/greet only", got)
	}
	ctrlC(t, w, 0)
}
