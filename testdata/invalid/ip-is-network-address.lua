-- want: Envfile.lua:4: machine "a": IP 10.9.0.0 on network "n" is the network address of 10.9.0.0/24
box "debian/bookworm"
network "n" { subnet = "10.9.0.0/24" }
machine "a" { networks = { n = "10.9.0.0" } }
