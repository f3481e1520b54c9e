-- want: Envfile.lua:4: network "n" is defined twice (first at Envfile.lua:3)
box "debian/bookworm"
network "n" { subnet = "10.9.0.0/24" }
network "n" { subnet = "10.8.0.0/24" }
