package luaapi

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestProviderAndHostFacts: envrun.provider follows --provider, then
// ENVRUN_PROVIDER, then the Envfile's provider, then the fallback, which
// is asked only when read; envrun.host tells the host; both are read-only.
func TestProviderAndHostFacts(t *testing.T) {
	src := `print(envrun.provider, envrun.host.os, envrun.host.arch, envrun.host.cpus, envrun.host.memory > 0)`
	asked := 0
	fallback := func() string { asked++; return "libvirt" }
	for _, c := range []struct {
		name, flag, env, envfile, want string
		asked                          int
	}{
		{"flag", "virtualbox", "docker", `provider "docker"`, "virtualbox", 0},
		{"environment", "", "docker", `provider "libvirt"`, "docker", 0},
		{"envfile", "", "", `provider "virtualbox"`, "virtualbox", 0},
		{"fallback", "", "", "", "libvirt", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("ENVRUN_PROVIDER", c.env)
			asked = 0
			var out bytes.Buffer
			env, err := load(t, map[string]string{"Envfile.lua": c.envfile + "\n" + src}, Options{Print: &out, Provider: c.flag, FallbackProvider: fallback})
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Join([]string{c.want, runtime.GOOS, runtime.GOARCH, itoa(runtime.NumCPU()), "true"}, "\t") + "\n"
			if out.String() != want {
				t.Errorf("printed %q, want %q", out.String(), want)
			}
			if asked != c.asked {
				t.Errorf("the fallback was asked %d times, want %d", asked, c.asked)
			}
			if env.ProviderRead.Name != c.want || env.ProviderRead.Pos.Line != 2 {
				t.Errorf("ProviderRead = %+v", env.ProviderRead)
			}
		})
	}
	t.Run("unread", func(t *testing.T) {
		asked = 0
		if _, err := load(t, map[string]string{"Envfile.lua": `box "b"`}, Options{FallbackProvider: fallback}); err != nil || asked != 0 {
			t.Errorf("err %v, fallback asked %d times: a load that does not read envrun.provider asks no backend", err, asked)
		}
	})
	for src, want := range map[string]string{
		`envrun.host.cpus = 64`:                          `Envfile.lua:1: envrun.host is read-only`,
		`envrun.provider = "docker"`:                     `Envfile.lua:1: envrun.provider is read-only`,
		"local p = envrun.provider\nprovider \"docker\"": `Envfile.lua:2: provider "docker": envrun.provider was read before, at Envfile.lua:1, and gave "libvirt"`,
	} {
		t.Setenv("ENVRUN_PROVIDER", "")
		_, err := load(t, map[string]string{"Envfile.lua": src}, Options{Print: &bytes.Buffer{}, FallbackProvider: fallback})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
