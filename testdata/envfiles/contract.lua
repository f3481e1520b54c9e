-- The two-host environment of ENVFILE.md: `envrun up` in this folder.
box "debian/bookworm"   -- one base for every provider

network "scznet" { subnet = "172.20.1.0/24", gateway = "172.20.1.1" }

local hosts = {
  { name = "machine1", ip = "172.20.1.20", hostname = "machine1.local" },
  { name = "machine2", ip = "172.20.1.21", hostname = "machine2.local" },
}

for _, h in ipairs(hosts) do
  machine(h.name) {
    hostname = h.hostname,
    networks = { scznet = h.ip },
    cpus = 1, memory = 512,
    groups = { "app" },
    libvirt = { graphics = "spice", video = "qxl" },   -- per-provider overrides
    virtualbox = { name = h.name },
    provision = {
      shell { inline = "echo ready > /tmp/ready" },
      file { source = "motd.txt", destination = "/tmp/motd" },
      function(m) m:run("hostname -f") end,           -- a Lua hook
    },
  }
end

ansible "site" {
  playbook = "provision.yml",
  hosts = machines(),            -- runs once, after every listed machine is up and provisioned
  extra_vars = { user = "vagrant" },
}
