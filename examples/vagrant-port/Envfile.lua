-- A multi-machine Vagrantfile ported as written: a load balancer and two
-- app servers, the Vagrant Cloud boxes they name, forwarded ports that
-- could clash, a machine brought up only on demand, and provider
-- pass-through. `envrun up` brings up lb, app1 and app2; `envrun ssh`
-- reaches lb; `envrun port lb` shows its forwarded ports.
box "debian/bookworm"   -- envrun's own Debian box (debootstrap, no registry needed)

network "lan" { subnet = "172.20.30.0/24" }

machine "lb" {
  networks = { lan = "172.20.30.10" },
  primary = true,                       -- `envrun ssh` without a name
  ports = {
    "8080:80",                           -- as config.vm.network "forwarded_port"
    { host = 2222, guest = 22, host_ip = "127.0.0.1", auto_correct = true },
  },
  provision = { shell { inline = "echo lb > /tmp/role" } },
  -- Provider pass-through: what envrun has no key for, in each
  -- provider's own terms (checked when the Envfile loads).
  docker = { host_config = { ShmSize = 268435456 } },
  libvirt = { domain_xml = [[<devices><watchdog model="i6300esb" action="reset"/></devices>]] },
  virtualbox = { modifyvm = { "--nested-hw-virt", "on" } },
}

for i = 1, 2 do
  machine("app" .. i) {
    networks = { lan = "172.20.30." .. (10 + i) },
    -- Both ask for host port 9000; auto_correct lets envrun pick a free
    -- one for the second instead of failing half-way.
    ports = { { host = 9000, guest = 9000, auto_correct = i > 1 } },
    provision = { shell { inline = "echo app > /tmp/role" } },
  }
end

-- A box from the box catalog: on Docker, ubuntu:22.04 plus envrun's apt
-- recipe (sshd, python3, sudo, vagrant). Brought up only when named
-- (`envrun up ubuntu`): it needs ubuntu:22.04 here or a registry.
machine "ubuntu" {
  box = "bento/ubuntu-22.04",
  autostart = false,
  networks = { lan = "172.20.30.20" },
}

-- Any image as a box: the recipe of its family (guessed from the name, or
-- family = "dnf").
machine "rocky" {
  box = "generic/rocky9",
  autostart = false,
  networks = { lan = "172.20.30.21" },
  docker = { base = "rockylinux:9" },
}

-- A box catalog entry of your own (a module can hold such entries): every
-- "myorg/ubuntu-NN.NN" box is ubuntu:NN.NN with the apt recipe, and a
-- name the built-in catalog knows can be pointed elsewhere the same way.
box_catalog "myorg/ubuntu-*" { base = "ubuntu:$1", family = "apt" }

machine "myorg" {
  box = "myorg/ubuntu-24.04",
  autostart = false,
  networks = { lan = "172.20.30.22" },
}
