-- want: Envfile.lua:3: network "n": subnet 224.0.0.0/4 holds multicast addresses
box "debian/bookworm"
network "n" { subnet = "224.0.0.0/4" }
