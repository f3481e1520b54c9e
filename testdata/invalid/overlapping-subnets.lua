-- want: Envfile.lua:4: network "b": subnet 10.9.0.0/24 overlaps subnet 10.9.0.0/16 of network "a" (Envfile.lua:3)
box "debian/bookworm"
network "a" { subnet = "10.9.0.0/16" }
network "b" { subnet = "10.9.0.0/24" }
