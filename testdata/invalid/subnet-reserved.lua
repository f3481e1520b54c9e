-- want: Envfile.lua:3: network "n": subnet 240.0.0.0/4 holds reserved addresses
box "debian/bookworm"
network "n" { subnet = "240.0.0.0/4" }
