-- want: Envfile.lua:4: machine "a": IP 10.9.0.255 on network "n" is the broadcast address of 10.9.0.0/24
box "debian/bookworm"
network "n" { subnet = "10.9.0.0/24" }
machine "a" { networks = { n = "10.9.0.255" } }
