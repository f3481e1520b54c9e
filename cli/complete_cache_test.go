package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/state"
)

// TestCompleteCachePrune: the caches of Envfiles that are gone, and of
// those not completed for completeCacheMaxAge, are removed, at most once a
// day; the others stay.
func TestCompleteCachePrune(t *testing.T) {
	dir, project := t.TempDir(), t.TempDir()
	live, gone := filepath.Join(project, "Envfile.lua"), filepath.Join(project, "gone", "Envfile.lua")
	if err := os.WriteFile(live, []byte("machine \"a\" {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	put := func(name, envfile string, age time.Duration) {
		t.Helper()
		p := filepath.Join(dir, name+".json")
		if err := state.WriteJSON(p, completeCache{Version: completeCacheVersion, Envfile: envfile}); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	left := func() string {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		var names []string
		for _, f := range files {
			names = append(names, strings.TrimSuffix(filepath.Base(f), ".json"))
		}
		return strings.Join(names, " ")
	}
	day := 24 * time.Hour
	put("live", live, day)
	put("gone", gone, day)
	put("old", live, completeCacheMaxAge+day)
	put("legacy", "", day) // written before caches named their Envfile
	pruneCompleteCache(dir, now)
	if got := left(); got != "legacy live" {
		t.Errorf("after pruning: %q, want %q", got, "legacy live")
	}
	put("gone2", gone, 0)
	pruneCompleteCache(dir, now.Add(time.Hour))
	if got := left(); got != "gone2 legacy live" {
		t.Errorf("a second prune within a day did work: %q left", got)
	}
	pruneCompleteCache(dir, now.Add(25*time.Hour))
	if got := left(); got != "legacy live" {
		t.Errorf("the next day's prune: %q, want %q", got, "legacy live")
	}
}
