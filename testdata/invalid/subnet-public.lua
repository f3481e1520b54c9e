-- want: Envfile.lua:3: network "n": subnet 8.8.8.0/24 is not a private LAN
box "debian/bookworm"
network "n" { subnet = "8.8.8.0/24" }
