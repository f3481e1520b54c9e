-- A control plane and N workers sized from settings.yaml, with the host's
-- facts and the provider in Lua. `envrun up` here brings it up on Docker
-- (or --provider libvirt). settings.local.yaml, when it exists, overrides
-- the worker count; `envrun watch` notices when it is created.
local settings = envrun.yaml.read("settings.yaml")
local overrides = envrun.yaml.read("settings.local.yaml", {})
local workers = (overrides.workers or settings.workers).count
-- Never more workers than the host has CPUs to give them.
workers = math.max(1, math.min(workers, envrun.host.cpus))

box "debian/bookworm"
network "lab" { subnet = settings.cluster.subnet }

local packages = table.concat(settings.software.packages, " ")
local base = shell { name = "packages", inline = "echo would install " .. packages }

machine "controlplane" {
  networks = { lab = settings.cluster.control_ip },
  memory = envrun.provider == "docker" and 512 or 1024,
  groups = { "control" },
  provision = { base },
}

for i = 1, workers do
  machine ("worker" .. i) {
    networks = { lab = settings.cluster.worker_ip_base .. (10 + i) },
    memory = settings.workers.memory,
    groups = { "workers" },
    depends_on = { "controlplane" },
    provision = {
      base,
      file { source = "settings.yaml", destination = "/tmp/settings.yaml" },
      shell { name = "facts", inline = "echo '" .. envrun.json.encode({ host = envrun.host.arch, worker = i }) .. "' > /tmp/facts.json" },
    },
  }
end
