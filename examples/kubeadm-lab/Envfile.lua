-- A kubeadm-shaped lab without Ansible: the control plane writes join.sh,
-- the workers fetch and run it. Ordering is the graph's: each worker's
-- hook may reach the control plane because the worker depends on it.
-- (The commands stand in for kubeadm, so the example runs on any box.)
box "debian/bookworm"

local settings = envrun.yaml.read("settings.yaml", { workers = 2, subnet = "172.22.40" })

network "lab" { subnet = settings.subnet .. ".0/24" }

machine "controlplane" {
  networks = { lab = settings.subnet .. ".10" },
  provision = {
    shell { name = "init", inline = [[
printf '#!/bin/sh\necho "joined $(hostname) to %s"\n' "$(hostname -I | cut -d' ' -f1)" > /tmp/join.sh
chmod 0644 /tmp/join.sh
]] },
  },
}

for i = 1, settings.workers do
  machine("worker" .. i) {
    networks = { lab = settings.subnet .. "." .. (10 + i) },
    depends_on = { "controlplane" },
    provision = {
      function(m)
        local join = envrun.machine("controlplane"):read("/tmp/join.sh")
        print(m:run(join))
      end,
    },
  }
end

-- Once every worker joined, one command on the control plane.
local workers = machines()
table.remove(workers, 1)
shell "nodes" { hosts = { "controlplane" }, after = workers, inline = "echo all workers joined" }
