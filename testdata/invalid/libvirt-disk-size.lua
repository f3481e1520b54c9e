-- want: Envfile.lua:4: machine "m": libvirt.disks: item 2: size must be 1 to 65536 GiB, got 0 GiB
box "debian/bookworm"
network "n" { subnet = "172.22.19.0/24" }
machine "m" { networks = { n = "172.22.19.10" }, libvirt = { disks = { { size = 10 }, { size = 0 } } } }
