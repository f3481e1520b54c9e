package cli_test

import (
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provision/ansible/ansibletest"
)

// watchAnsibleEnvfile is the environment TestIntegrationWatchAnsible
// watches: two machines with a script each; "site", a playbook over both
// with roles/ and group_vars/ beside it; and a chain ordered by after,
// base → app → smoke. Each playbook sits in a folder of its own, so that
// the folders beside one belong to it alone.
const watchAnsibleEnvfile = `box "debian/bookworm"
network "awnet" { subnet = "172.31.102.0/24", gateway = "172.31.102.1" }
machine "web" {
  networks = { awnet = "172.31.102.10" },
  provision = { shell { path = "scripts/web.sh" } },
}
machine "db" {
  networks = { awnet = "172.31.102.11" },
  provision = { shell { path = "scripts/db.sh" } },
}
ansible "site" { playbook = "site/site.yml", hosts = machines() }
ansible "base" { playbook = "base/base.yml", hosts = machines() }
ansible "app" { playbook = "app/app.yml", hosts = { "web" }, after = { "base" } }
ansible "smoke" { playbook = "smoke/smoke.yml", hosts = { "web" }, after = { "app" } }
`

// sitePlaybook records each run on each machine, with a variable from
// group_vars/ and a task from a role in roles/.
const sitePlaybook = `- hosts: all
  gather_facts: false
  roles: [marker]
  tasks:
    - name: Record the run (VERSION)
      ansible.builtin.shell: echo "{{ site_var }} VERSION" >> /tmp/site.runs
`

// chainPlaybook records each run of step NAME (VERSION) on its machines.
const chainPlaybook = `- hosts: all
  gather_facts: false
  tasks:
    - name: Record NAME (VERSION)
      ansible.builtin.shell: echo VERSION >> /tmp/NAME.runs
`

// globalStart matches the line an ansible step prints as it starts.
var globalStart = regexp.MustCompile(`^(\S+)\s+\| ansible-playbook `)

// startedGlobal lists the ansible steps that started among lines.
func startedGlobal(lines []string) []string {
	var out []string
	for _, l := range lines {
		if m := globalStart.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// plays counts the plays step ran among lines.
func plays(lines []string, step string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, step+" ") && strings.Contains(l, "| PLAY [") {
			n++
		}
	}
	return n
}

// TestIntegrationWatchAnsible runs `envrun watch` (the built binary) with
// real ansible-playbook over real Docker machines, and edits playbooks,
// the files beside them and a machine's script under it.
func TestIntegrationWatchAnsible(t *testing.T) {
	ansibletest.Require(t)
	wd := newWorld(t, watchAnsibleEnvfile)
	dir := wd.dir
	write := func(name, data string) { writeFile(t, filepath.Join(dir, name), data) }
	write("scripts/web.sh", "echo RAN web v1\n")
	write("scripts/db.sh", "echo RAN db v1\n")
	write("site/site.yml", strings.ReplaceAll(sitePlaybook, "VERSION", "v1"))
	write("site/group_vars/all.yml", "site_var: vars-v1\n")
	write("site/roles/marker/tasks/main.yml", "- name: Marker role (role-v1)\n  ansible.builtin.debug: { msg: role-v1 }\n")
	for _, name := range []string{"base", "app", "smoke"} {
		write(name+"/"+name+".yml", strings.NewReplacer("NAME", name, "VERSION", "v1").Replace(chainPlaybook))
	}
	// runs returns how many times the playbooks recorded step's runs on a
	// machine.
	runs := func(t *testing.T, machine, step string) int {
		t.Helper()
		out, err := wd.exec(machine, "sh", "-c", "cat /tmp/"+step+".runs 2>/dev/null || true")
		if err != nil {
			t.Fatalf("read /tmp/%s.runs on %s: %v: %s", step, machine, err, out)
		}
		return strings.Count(out, "\n")
	}

	const long = 4 * time.Minute // machines and the first four playbooks
	const short = time.Minute    // an ansible-playbook run, on a busy machine
	w := startWatch(t, wd, "-v")
	w.waitLine(t, 0, "envrun: ok: 2 machine(s) up", long)
	w.waitLine(t, 0, "watching ", short)
	for _, want := range []string{
		"watch site: site/site.yml (playbook), site/roles (roles/ beside the playbook), site/group_vars (group_vars/ beside the playbook)",
		"watch web/shell#1: scripts/web.sh (path)",
	} {
		w.waitLine(t, 0, want, short)
	}
	if got := startedGlobal(w.linesFrom(0)); len(got) != 4 {
		t.Fatalf("up ran ansible steps %q, want the four", got)
	}
	up := instances(wd)

	// rerun edits files and waits for the run they trigger; it returns the
	// lines of that run and checks that exactly the wanted ansible steps
	// (in that order) and machine steps started, each once.
	rerun := func(t *testing.T, wantGlobal, wantMachine []string, files map[string]string) []string {
		t.Helper()
		m := w.mark()
		for _, name := range slices.Sorted(maps.Keys(files)) {
			write(name, files[name])
		}
		end := w.waitLine(t, m, "re-ran ", short)
		lines := w.linesFrom(m)[:end-m+1]
		if !strings.Contains(lines[len(lines)-1], "envrun: ok: re-ran ") {
			t.Fatalf("the run failed:\n%s", strings.Join(lines, "\n"))
		}
		if got := startedGlobal(lines); !slices.Equal(got, wantGlobal) {
			t.Errorf("ansible steps that ran: %q, want %q", got, wantGlobal)
		}
		if got := startedSteps(lines); !slices.Equal(got, wantMachine) {
			t.Errorf("machine steps that ran: %q, want %q", got, wantMachine)
		}
		for _, s := range wantGlobal {
			if n := plays(lines, s); n != 1 {
				t.Errorf("%s ran %d plays, want 1", s, n)
			}
		}
		return lines
	}

	t.Run("the playbook changed: that ansible step runs, once, and nothing else", func(t *testing.T) {
		before := map[string]int{"web": runs(t, "web", "site"), "db": runs(t, "db", "site")}
		lines := rerun(t, []string{"site"}, nil, map[string]string{"site/site.yml": strings.ReplaceAll(sitePlaybook, "VERSION", "v2")})
		text := strings.Join(lines, "\n")
		if !strings.Contains(text, "site/site.yml changed → re-run site") || !strings.Contains(text, "TASK [Record the run (v2)]") {
			t.Errorf("want the change announced and the new playbook run:\n%s", text)
		}
		for machine, n := range before {
			if got := runs(t, machine, "site"); got != n+1 {
				t.Errorf("%s: the playbook ran %d times, want once", machine, got-n)
			}
		}
	})

	t.Run("a file in group_vars/ beside the playbook: the same", func(t *testing.T) {
		before := runs(t, "web", "site")
		rerun(t, []string{"site"}, nil, map[string]string{"site/group_vars/all.yml": "site_var: vars-v2\n"})
		out, _ := wd.exec("web", "tail", "-n1", "/tmp/site.runs")
		if got := runs(t, "web", "site"); got != before+1 || strings.TrimSpace(out) != "vars-v2 v2" {
			t.Errorf("web: %d run(s), last recorded %q; want one run with vars-v2", got-before, out)
		}
	})

	t.Run("a file in roles/ beside the playbook: the same", func(t *testing.T) {
		lines := rerun(t, []string{"site"}, nil, map[string]string{
			"site/roles/marker/tasks/main.yml": "- name: Marker role (role-v2)\n  ansible.builtin.debug: { msg: role-v2 }\n",
		})
		if text := strings.Join(lines, "\n"); !strings.Contains(text, "TASK [marker : Marker role (role-v2)]") {
			t.Errorf("the changed role did not run:\n%s", text)
		}
	})

	t.Run("a machine's script: that step only, not the ansible steps over the machine", func(t *testing.T) {
		// No global step can declare after on a machine's step (after
		// names global steps): site and base, which run over web, stay.
		lines := rerun(t, nil, []string{"web/shell#1"}, map[string]string{"scripts/web.sh": "echo RAN web v2\n"})
		if text := strings.Join(lines, "\n"); !strings.Contains(text, "web   | RAN web v2") {
			t.Errorf("the new script did not run:\n%s", text)
		}
	})

	t.Run("a playbook with steps after it: those that declare after on it, in order, not further", func(t *testing.T) {
		before := runs(t, "web", "smoke")
		lines := rerun(t, []string{"base", "app"}, nil, map[string]string{
			"base/base.yml": strings.NewReplacer("NAME", "base", "VERSION", "v2").Replace(chainPlaybook),
		})
		// app waits for base: it starts after base's play recap.
		recap, start := -1, -1
		for i, l := range lines {
			if strings.HasPrefix(l, "base ") && strings.Contains(l, "PLAY RECAP") {
				recap = i
			}
			if m := globalStart.FindStringSubmatch(l); m != nil && m[1] == "app" {
				start = i
			}
		}
		if recap < 0 || start < recap {
			t.Errorf("app started at line %d, base's recap at %d: want app after base", start, recap)
		}
		// smoke declares after on app, not on base: app re-ran only
		// because of base.
		if got := runs(t, "web", "smoke"); got != before {
			t.Errorf("smoke ran %d more time(s), want none", got-before)
		}
		// app's own playbook: app, then smoke.
		rerun(t, []string{"app", "smoke"}, nil, map[string]string{
			"app/app.yml": strings.NewReplacer("NAME", "app", "VERSION", "v2").Replace(chainPlaybook),
		})
	})

	t.Run("an ansible failure is reported and the watch goes on", func(t *testing.T) {
		m := w.mark()
		write("base/base.yml", `- hosts: all
  gather_facts: false
  tasks:
    - name: Fail on db
      ansible.builtin.shell: "echo broken on purpose >&2; exit 3"
      when: inventory_hostname == "db"
`)
		w.waitLine(t, m, `FAILED ansible:base: Envfile.lua:12: ansible step "base": ansible-playbook failed on 1 of 2 host(s) (exit status 2): db: failed at task "Fail on db"`, short)
		w.waitLine(t, m, "skipped because ansible:base failed:", short)
		w.waitLine(t, m, "ansible:app", short)
		if got := startedGlobal(w.linesFrom(m)); !slices.Equal(got, []string{"base"}) {
			t.Errorf("ansible steps that ran: %q, want base (app skipped)", got)
		}
		// Fixed: it runs again, and app after it.
		rerun(t, []string{"base", "app"}, nil, map[string]string{
			"base/base.yml": strings.NewReplacer("NAME", "base", "VERSION", "v3").Replace(chainPlaybook),
		})
		if now := instances(wd); !maps.Equal(now, up) {
			t.Errorf("the machines changed: %v, were %v", now, up)
		}
	})

	t.Run("Ctrl-C during an ansible run ends ansible-playbook and its SSH masters", func(t *testing.T) {
		m := w.mark()
		write("site/site.yml", `- hosts: all
  gather_facts: false
  tasks:
    - name: Take long
      ansible.builtin.shell: "echo started >> /tmp/site.long; sleep 300"
`)
		w.waitLine(t, m, "site  | TASK [Take long]", short)
		state := filepath.Join(dir, ".envrun")
		eventually(t, short, func() string {
			for _, machine := range []string{"web", "db"} {
				if out, _ := wd.exec(machine, "cat", "/tmp/site.long"); !strings.Contains(out, "started") {
					return "the long task never started on " + machine
				}
			}
			return ""
		})
		if len(strays(filepath.Join(state, "ansible", "site", "cp"))) == 0 {
			t.Fatal("no SSH master runs for the playbook: the test would prove nothing about them")
		}
		if len(strays(filepath.Join(state, "ansible", "site", "inventory.yml"))) == 0 {
			t.Fatal("no ansible-playbook runs: the test would prove nothing about it")
		}
		ctrlC(t, w, 130) // a step was cut short
		if s := strays(state); len(s) > 0 {
			t.Errorf("processes outlived the watch:\n%s", strings.Join(s, "\n"))
		}
		if now := instances(wd); !maps.Equal(now, up) {
			t.Errorf("the machines changed: %v, were %v", now, up)
		}
		// What Ansible's module left on the machines is Ansible's (its
		// modules run unsupervised): logged, not checked.
		out, _ := wd.exec("web", "ps", "-eo", "pid,args")
		t.Logf("web after the interrupt:\n%s", out)
	})
}
