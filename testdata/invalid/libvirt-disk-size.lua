-- want: Envfile.lua:4: machine "m": libvirt.disks: item 2: size: expected a whole number of GiB from 1 to 65536, got 0
box "debian/bookworm"
network "n" { subnet = "172.22.19.0/24" }
machine "m" { networks = { n = "172.22.19.10" }, libvirt = { disks = { { size = 10 }, { size = 0 } } } }
