-- want: Envfile.lua:4: machine "a": IP 10.9.0.1 on network "n" is the network's gateway
box "debian/bookworm"
network "n" { subnet = "10.9.0.0/24", gateway = "10.9.0.1" }
machine "a" { networks = { n = "10.9.0.1" } }
