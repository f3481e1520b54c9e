-- want: Envfile.lua:4: machine "a": docker.default_route: "lann" is not one of the machine's networks (did you mean "lan"?)
box "debian/bookworm"
network "lan" { subnet = "172.28.40.0/24" }
machine "a" { networks = { lan = "172.28.40.10" }, docker = { default_route = "lann" } }
