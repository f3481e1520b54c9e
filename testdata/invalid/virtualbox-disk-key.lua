-- want: Envfile.lua:4: machine "m": virtualbox: disks: unknown key "sise" (did you mean "size"?)
box "debian/bookworm"
network "n" { subnet = "172.22.19.0/24" }
machine "m" { networks = { n = "172.22.19.10" }, virtualbox = { disks = { { sise = 10 } } } }
