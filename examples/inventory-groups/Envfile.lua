-- An Ansible inventory as people write one: machines in groups, a parent
-- group of groups ([deployments:children]), variables of groups and of
-- hosts, an inventory file of your own beside envrun's (inventory/), and
-- more ansible-playbook options. Steps can run on every `up`
-- (run = "always") or only when asked (run = "never"):
--
--   envrun up                                  # both machines, then the play
--   envrun up                                  # again: only web1's "stamp" runs
--   envrun provision web1 --step reset-cache   # the step nothing runs by itself
box "debian/bookworm"

network "deploy" { subnet = "172.20.40.0/24" }

machine "web1" {
  networks = { deploy = "172.20.40.11" },
  groups = { "web" },
  vars = { http_port = 8080 },            -- a host variable of the machine's own
  provision = {
    shell { name = "stamp", run = "always", inline = "date +%s >> /tmp/up-stamps" },
    shell { name = "reset-cache", run = "never", inline = "rm -rf /tmp/cache && echo cache reset" },
  },
}

machine "db1" {
  networks = { deploy = "172.20.40.21" },
  groups = { "db" },
  -- On libvirt, a data disk (/dev/vdb) and a QEMU argument through
  -- libvirt's <qemu:commandline>; on VirtualBox, the disk (/dev/sdb).
  -- Docker has neither and leaves these tables alone.
  libvirt = { disks = { { size = 10 } }, qemu_args = { "-smbios", "type=1,serial=envrun-db1" } },
  virtualbox = { disks = { { size = 10 } } },
}

ansible "site" {
  playbook = "site.yml",
  children = { deployments = { "web", "db" } },          -- [deployments:children]
  group_vars = {
    all = { env = "dev" },
    deployments = { tier = "t1" },
    db = { pg_version = 16 },
  },
  host_vars = { web1 = { primary = true } },              -- over web1's own vars
  inventory_path = "inventory/",                          -- yours, given before envrun's
  raw_arguments = { "--diff" },                           -- show what each task changed
}
