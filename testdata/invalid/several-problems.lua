-- want: Envfile.lua:5: machine "a": IP 10.9.1.5 on network "n" is outside subnet 10.9.0.0/24
-- want: Envfile.lua:6: machine "a" is defined twice (first at Envfile.lua:5)
box "debian/bookworm"
network "n" { subnet = "10.9.0.0/24" }
machine "a" { networks = { n = "10.9.1.5" } }
machine "a" {}
