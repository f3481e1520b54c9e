package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// statusAllEnvfile is an environment of n Docker machines t-life-NAME-i on
// subnet 172.24.SUB.0/24.
func statusAllEnvfile(name string, sub, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "box \"debian/bookworm\"\nnetwork \"net\" { subnet = \"172.24.%d.0/24\", gateway = \"172.24.%d.1\" }\n", sub, sub)
	fmt.Fprintf(&b, "for i = 1, %d do\n  machine(\"t-life-%s-\" .. i) { networks = { net = \"172.24.%d.\" .. (10 + i) }, cpus = 1, memory = 256 }\nend\n", n, name, sub)
	return b.String()
}

// allRow is a row of `status --all --json`.
type allRow struct {
	Envfile  string `json:"envfile"`
	Project  string `json:"project"`
	Name     string `json:"name"`
	Provider string `json:"provider"`
	State    string `json:"state"`
	IP       string `json:"ip"`
	Missing  bool   `json:"envfile_missing"`
}

// statusAll runs `status --all --json --provider P` (w's provider,
// docker when w names none) in a folder without an Envfile and returns
// the rows of project.
func statusAll(t *testing.T, w *world, project string) []allRow {
	t.Helper()
	nowhere := t.TempDir()
	prov := w.prov
	if prov == "" {
		prov = "docker"
	}
	r := (&world{t: t, dir: nowhere, bin: w.bin, prov: prov}).mustRun("status", "--all", "--json", "--provider", prov)
	var rows, ours []allRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status --all --json: %v\n%s", err, r.stdout)
	}
	for _, row := range rows {
		if row.Project == project {
			ours = append(ours, row)
		}
	}
	return ours
}

// TestIntegrationStatusAll: `status --all`, run where there is no Envfile,
// finds the machines of two environments on the real Docker engine with
// their Envfiles, follows a halt, and marks an Envfile that went.
func TestIntegrationStatusAll(t *testing.T) {
	t.Parallel()
	a := newWorld(t, statusAllEnvfile("a", 1, 2))
	b := newWorld(t, statusAllEnvfile("b", 2, 1))
	a.mustRun("up", "--no-provision")
	b.mustRun("up", "--no-provision")
	b.mustRun("halt")

	rowsA, rowsB := statusAll(t, a, a.project), statusAll(t, a, b.project)
	if len(rowsA) != 2 || len(rowsB) != 1 {
		t.Fatalf("status --all found %d and %d machines, want 2 and 1: %+v %+v", len(rowsA), len(rowsB), rowsA, rowsB)
	}
	for i, row := range rowsA {
		want := allRow{Envfile: filepath.Join(a.dir, "Envfile.lua"), Project: a.project, Name: fmt.Sprintf("t-life-a-%d", i+1),
			Provider: "docker", State: "running", IP: fmt.Sprintf("172.24.1.%d", 11+i)}
		if row != want {
			t.Errorf("row %d: %+v, want %+v", i, row, want)
		}
	}
	if r := rowsB[0]; r.State != "stopped" || r.Envfile != filepath.Join(b.dir, "Envfile.lua") || r.Missing {
		t.Errorf("halted machine of b: %+v", r)
	}

	// The table names each Envfile; one that went is marked.
	src, _ := os.ReadFile(filepath.Join(b.dir, "Envfile.lua"))
	os.Remove(filepath.Join(b.dir, "Envfile.lua"))
	defer b.writeEnvfile(string(src)) // for the cleanup's destroy
	if r := statusAll(t, a, b.project); len(r) != 1 || !r[0].Missing {
		t.Errorf("with its Envfile gone: %+v", r)
	}
	table := (&world{t: t, dir: t.TempDir(), bin: a.bin}).mustRun("status", "--all", "--provider", "docker").stdout
	for _, want := range []string{filepath.Join(a.dir, "Envfile.lua") + "  ", filepath.Join(b.dir, "Envfile.lua") + " (gone)", "t-life-a-2", "172.24.1.12"} {
		if !strings.Contains(table, want) {
			t.Errorf("status --all does not show %q:\n%s", want, table)
		}
	}
}
