package cli_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestIntegrationDependsOnOrder: a machine with depends_on is created only
// once the machine it depends on has run all its steps, while machines
// that do not depend on each other are made and provisioned at the same
// time. Each machine's step writes when it started and ended; the
// container's own start time comes from Docker.
func TestIntegrationDependsOnOrder(t *testing.T) {
	step := `shell { inline = "date +%s.%N > /tmp/start; sleep 2; date +%s.%N > /tmp/end" }`
	e := newEnv(t, "", map[string]string{"Envfile.lua": fmt.Sprintf(`
box "debian/bookworm"
network "net" { subnet = "172.31.35.0/24" }
machine "first" { networks = { net = "172.31.35.10" }, provision = { %[1]s } }
machine "second" { networks = { net = "172.31.35.11" }, depends_on = { "first" }, provision = { %[1]s } }
machine "free" { networks = { net = "172.31.35.12" }, provision = { %[1]s } }
`, step)})
	e.mustRun("up")
	stamp := func(machine, file string) float64 {
		t.Helper()
		s := strings.TrimSpace(e.remote(machine, "cat "+file))
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%s:%s = %q: %v", machine, file, s, err)
		}
		return f
	}
	firstEnd := stamp("first", "/tmp/end")
	secondStart := stamp("second", "/tmp/start")
	freeStart, freeEnd := stamp("free", "/tmp/start"), stamp("free", "/tmp/end")
	firstStart := stamp("first", "/tmp/start")

	// depends_on: second's container started after first's steps ended.
	stdout, _ := e.mustRun("status", "--json")
	var rows []struct{ Name, ID string }
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatal(err)
	}
	var id string
	for _, r := range rows {
		if r.Name == "second" {
			id = r.ID
		}
	}
	out, err := exec.Command("docker", "inspect", "-f", "{{.State.StartedAt}}", id).Output()
	if err != nil {
		t.Fatalf("docker inspect %q: %v", id, err)
	}
	started, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	secondUp := float64(started.UnixNano()) / 1e9
	if secondUp < firstEnd {
		t.Errorf("second started at %.3f, before first's steps ended at %.3f", secondUp, firstEnd)
	}
	if secondStart < firstEnd {
		t.Errorf("second's step started at %.3f, before first's ended at %.3f", secondStart, firstEnd)
	}
	// Independent machines overlap: free ran while first did.
	if !(freeStart < firstEnd && firstStart < freeEnd) {
		t.Errorf("free [%.3f, %.3f] and first [%.3f, %.3f] did not run at the same time", freeStart, freeEnd, firstStart, firstEnd)
	}
}
