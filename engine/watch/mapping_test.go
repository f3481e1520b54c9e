package watch

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/spec"
)

// mappingEnvfile is an Envfile in /p with every way a step names files.
func mappingEnvfile() *spec.Envfile {
	shared := &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: "shell#1"}, Path: "/p/scripts/web.sh"}
	dbShared := *shared
	return &spec.Envfile{
		Path: "/p/Envfile.lua",
		Dir:  "/p",
		Machines: []*spec.Machine{
			{Name: "web", Steps: []spec.Step{
				shared,
				&spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: "shell#2"}, Inline: "echo hi"},
				&spec.File{StepInfo: spec.StepInfo{Kind: "file", Name: "file#3"}, Source: "/p/conf", Destination: "/etc/app"},
				&spec.File{StepInfo: spec.StepInfo{Kind: "file", Name: "file#4", Watch: []string{"/p/motd-src"}}, Source: "/p/motd.txt", Destination: "/etc/motd"},
				&spec.Hook{StepInfo: spec.StepInfo{Kind: "hook", Name: "hook#5"}},
			}},
			{Name: "db", Steps: []spec.Step{&dbShared}},
		},
		Steps: []spec.Step{
			&spec.Ansible{StepInfo: spec.StepInfo{Kind: "ansible", Name: "site"}, Playbook: "/p/ansible/site.yml",
				Config: "/p/ansible.cfg", GalaxyRequirements: "/p/requirements.yml", Hosts: []string{"web", "db"}},
			&spec.Ansible{StepInfo: spec.StepInfo{Kind: "ansible", Name: "app", Watch: []string{"/p/app/"}}, Playbook: "/p/ansible/app.yml",
				Hosts: []string{"web"}},
		},
		Sources: []string{"/p/Envfile.lua", "/p/lib/web.lua"},
	}
}

func TestStepPaths(t *testing.T) {
	ef := mappingEnvfile()
	var got []string
	for _, r := range Rules(ef) {
		for _, w := range r.Paths {
			got = append(got, fmt.Sprintf("%s: %s (%s)", r.Step, w.Path, w.Why))
		}
	}
	want := []string{
		"web/shell#1: /p/scripts/web.sh (path)",
		"web/file#3: /p/conf (source)",
		"web/file#4: /p/motd-src (watch)",
		"db/shell#1: /p/scripts/web.sh (path)",
		"site: /p/ansible/site.yml (playbook)",
		"site: /p/ansible/roles (roles/ beside the playbook)",
		"site: /p/ansible/group_vars (group_vars/ beside the playbook)",
		"site: /p/ansible/host_vars (host_vars/ beside the playbook)",
		"site: /p/ansible/templates (templates/ beside the playbook)",
		"site: /p/ansible/files (files/ beside the playbook)",
		"site: /p/ansible.cfg (config)",
		"site: /p/requirements.yml (galaxy_requirements)",
		"app: /p/app (watch)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMap(t *testing.T) {
	ig := NewIgnore("/p", []string{"# build output", "build/", "*.log", "!keep.log", "/top-only"})
	m := NewMapper(mappingEnvfile(), ig)
	web := func(s string) engine.StepRef { return engine.StepRef{Machine: "web", Step: s} }
	db := func(s string) engine.StepRef { return engine.StepRef{Machine: "db", Step: s} }
	global := func(s string) engine.StepRef { return engine.StepRef{Step: s} }
	tests := []struct {
		name       string
		paths      []string
		steps      []engine.StepRef
		envfile    bool
		ignoreFile bool
		unused     []string
		ignored    []string
	}{
		{name: "a script two machines run", paths: []string{"/p/scripts/web.sh"}, steps: []engine.StepRef{web("shell#1"), db("shell#1")}},
		{name: "a file deep in a source folder", paths: []string{"/p/conf/nginx/site.conf"}, steps: []engine.StepRef{web("file#3")}},
		{name: "the source folder itself", paths: []string{"/p/conf"}, steps: []engine.StepRef{web("file#3")}},
		{name: "a name that only starts like a source folder", paths: []string{"/p/conf.d/x"}, unused: []string{"/p/conf.d/x"}},
		{name: "watch replaces the inferred source", paths: []string{"/p/motd.txt"}, unused: []string{"/p/motd.txt"}},
		{name: "a file in a watch folder", paths: []string{"/p/motd-src/banner"}, steps: []engine.StepRef{web("file#4")}},
		{name: "the playbook", paths: []string{"/p/ansible/site.yml"}, steps: []engine.StepRef{global("site")}},
		{name: "a role's task", paths: []string{"/p/ansible/roles/nginx/tasks/main.yml"}, steps: []engine.StepRef{global("site")}},
		{name: "group_vars", paths: []string{"/p/ansible/group_vars/all.yml"}, steps: []engine.StepRef{global("site")}},
		{name: "host_vars", paths: []string{"/p/ansible/host_vars/web.yml"}, steps: []engine.StepRef{global("site")}},
		{name: "templates", paths: []string{"/p/ansible/templates/app.conf.j2"}, steps: []engine.StepRef{global("site")}},
		{name: "files", paths: []string{"/p/ansible/files/key.pub"}, steps: []engine.StepRef{global("site")}},
		{name: "ansible config", paths: []string{"/p/ansible.cfg"}, steps: []engine.StepRef{global("site")}},
		{name: "galaxy requirements", paths: []string{"/p/requirements.yml"}, steps: []engine.StepRef{global("site")}},
		{name: "another playbook beside", paths: []string{"/p/ansible/other.yml"}, unused: []string{"/p/ansible/other.yml"}},
		{name: "a playbook whose step has a watch list", paths: []string{"/p/ansible/app.yml"}, unused: []string{"/p/ansible/app.yml"}},
		{name: "a watch path given with a slash", paths: []string{"/p/app/x.yml"}, steps: []engine.StepRef{global("app")}},
		{name: "the Envfile", paths: []string{"/p/Envfile.lua"}, envfile: true},
		{name: "a module", paths: []string{"/p/lib/web.lua"}, envfile: true},
		{name: "another Lua file", paths: []string{"/p/lib/db.lua"}, unused: []string{"/p/lib/db.lua"}},
		{name: "the ignore file", paths: []string{"/p/.envrunignore"}, ignoreFile: true},
		{name: "vim swap file", paths: []string{"/p/conf/.site.conf.swp"}, ignored: []string{"/p/conf/.site.conf.swp"}},
		{name: "vim probe", paths: []string{"/p/conf/4913"}, ignored: []string{"/p/conf/4913"}},
		{name: "backup file", paths: []string{"/p/conf/site.conf~"}, ignored: []string{"/p/conf/site.conf~"}},
		{name: "emacs lock", paths: []string{"/p/conf/.#site.conf"}, ignored: []string{"/p/conf/.#site.conf"}},
		{name: "emacs auto-save", paths: []string{"/p/conf/#site.conf#"}, ignored: []string{"/p/conf/#site.conf#"}},
		{name: "JetBrains safe write", paths: []string{"/p/conf/site.conf___jb_tmp___"}, ignored: []string{"/p/conf/site.conf___jb_tmp___"}},
		{name: ".git inside a source", paths: []string{"/p/conf/.git/HEAD"}, ignored: []string{"/p/conf/.git/HEAD"}},
		{name: ".envrun state", paths: []string{"/p/.envrun/state.json"}, ignored: []string{"/p/.envrun/state.json"}},
		{name: "an .envrunignore folder pattern", paths: []string{"/p/conf/build/out.html"}, ignored: []string{"/p/conf/build/out.html"}},
		{name: "an .envrunignore glob", paths: []string{"/p/conf/debug.log"}, ignored: []string{"/p/conf/debug.log"}},
		{name: "a negated .envrunignore pattern", paths: []string{"/p/conf/keep.log"}, steps: []engine.StepRef{web("file#3")}},
		{name: "an anchored pattern below the top", paths: []string{"/p/conf/top-only"}, steps: []engine.StepRef{web("file#3")}},
		{
			name:  "a batch: steps once each, in Envfile order",
			paths: []string{"/p/requirements.yml", "/p/conf/a", "/p/scripts/web.sh", "/p/conf/b", "/p/Envfile.lua", "/p/notes.txt"},
			steps: []engine.StepRef{web("shell#1"), web("file#3"), db("shell#1"), global("site")}, envfile: true,
			unused: []string{"/p/notes.txt"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := m.Map(tt.paths)
			if !slices.Equal(c.Steps, tt.steps) {
				t.Errorf("steps %v, want %v", c.Steps, tt.steps)
			}
			if c.Envfile != tt.envfile || c.IgnoreFile != tt.ignoreFile {
				t.Errorf("envfile %v, ignore file %v; want %v, %v", c.Envfile, c.IgnoreFile, tt.envfile, tt.ignoreFile)
			}
			if !slices.Equal(c.Unused, tt.unused) {
				t.Errorf("unused %q, want %q", c.Unused, tt.unused)
			}
			if !slices.Equal(c.Ignored, tt.ignored) {
				t.Errorf("ignored %q, want %q", c.Ignored, tt.ignored)
			}
			if c.Empty() != (len(tt.steps) == 0 && !tt.envfile && !tt.ignoreFile) {
				t.Errorf("Empty() = %v", c.Empty())
			}
		})
	}
}

func TestIgnore(t *testing.T) {
	ig := NewIgnore("/p", []string{"node_modules/", "/dist", "*.pyc", "docs/**/*.md"})
	tests := []struct {
		name  string
		path  string
		isDir bool
		want  bool
	}{
		{name: "a plain file", path: "/p/src/main.go", want: false},
		{name: "a folder pattern matches the folder", path: "/p/web/node_modules", isDir: true, want: true},
		{name: "a folder pattern matches inside it", path: "/p/web/node_modules/x/index.js", want: true},
		{name: "a folder pattern skips a file of that name", path: "/p/node_modules", want: false},
		{name: "an anchored pattern at the top", path: "/p/dist", isDir: true, want: true},
		{name: "an anchored pattern below the top", path: "/p/web/dist", isDir: true, want: false},
		{name: "a glob", path: "/p/app/x.pyc", want: true},
		{name: "double star", path: "/p/docs/a/b/c.md", want: true},
		{name: "double star, other extension", path: "/p/docs/a/b/c.txt", want: false},
		{name: "patterns do not reach outside their folder", path: "/elsewhere/x.pyc", want: false},
		{name: ".git folder", path: "/p/.git", isDir: true, want: true},
		{name: ".envrun folder", path: "/elsewhere/.envrun/state.json", want: true},
		{name: "a name that contains .git", path: "/p/.github/workflows/ci.yml", want: false},
		{name: "a vim swap file", path: "/p/.main.go.swo", want: true},
		{name: "a file named like a swap file but visible", path: "/p/main.swp.go", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ig.Match(tt.path, tt.isDir); got != tt.want {
				t.Errorf("Match(%q, %v) = %v, want %v", tt.path, tt.isDir, got, tt.want)
			}
		})
	}
	var none *Ignore
	if !none.Match("/p/.git/HEAD", false) || none.Match("/p/x.pyc", false) {
		t.Error("a nil Ignore must apply the built-in names only")
	}
}

// A file step's exclude patterns leave changes below its source out.
func TestMapFileExclude(t *testing.T) {
	ef := &spec.Envfile{Path: "/p/Envfile.lua", Dir: "/p", Sources: []string{"/p/Envfile.lua"}, Machines: []*spec.Machine{
		{Name: "web", Steps: []spec.Step{&spec.File{StepInfo: spec.StepInfo{Kind: "file", Name: "src"},
			Source: "/p/src", Destination: "/srv", Exclude: []string{"*.log", "build/"}}}},
	}}
	m := NewMapper(ef, NewIgnore("/p", nil))
	for _, tc := range []struct {
		path string
		runs bool
	}{
		{"/p/src/app.go", true},
		{"/p/src/app.log", false},
		{"/p/src/deep/x.log", false},
		{"/p/src/build/out", false},
		{"/p/src/build", false},
		{"/p/src/builder.go", true},
	} {
		c := m.Map([]string{tc.path})
		if got := len(c.Steps) == 1; got != tc.runs {
			t.Errorf("%s: re-runs the step %v, want %v", tc.path, got, tc.runs)
		}
	}
}

// TestRulesLeaveRunNeverSteps: the files of a run = "never" step are not
// watched (only --step runs it), a run = "once" step's are: a change to
// them re-runs it.
func TestRulesLeaveRunNeverSteps(t *testing.T) {
	ef := loopSpec("/p")
	ef.Machines[0].Steps[0].Info().Run = spec.RunNever // alpha/shell#1, a.sh
	ef.Machines[1].Steps[0].Info().Run = spec.RunOnce  // beta/shell#1, b.sh
	ef.Steps[1].Info().Run = spec.RunNever             // report
	var got []string
	for _, r := range Rules(ef) {
		got = append(got, r.Step.String())
	}
	if want := []string{"beta/shell#1", "site"}; !slices.Equal(got, want) {
		t.Errorf("watched steps %q, want %q", got, want)
	}
	m := NewMapper(ef, nil)
	if steps := m.Map([]string{"/p/a.sh", "/p/report/report.yml"}).Steps; len(steps) != 0 {
		t.Errorf("a change to a run = \"never\" step's files re-runs %v", steps)
	}
	if steps := m.Map([]string{"/p/b.sh"}).Steps; len(steps) != 1 || steps[0].String() != "beta/shell#1" {
		t.Errorf("a change to a run = \"once\" step's file re-runs %v, want beta/shell#1", steps)
	}
}
