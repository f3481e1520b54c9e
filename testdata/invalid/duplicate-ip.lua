-- want: Envfile.lua:5: machine "b": IP 10.9.0.5 is already used by machine "a" (Envfile.lua:4)
box "debian/bookworm"
network "n" { subnet = "10.9.0.0/24" }
machine "a" { networks = { n = "10.9.0.5" } }
machine "b" { networks = { n = "10.9.0.5" } }
