-- want: Envfile.lua:3: network "n": subnet 0.0.0.0/0 is not a private LAN: it spans much of the internet
box "debian/bookworm"
network "n" { subnet = "0.0.0.0/0" }
