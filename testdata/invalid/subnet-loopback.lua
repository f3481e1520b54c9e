-- want: Envfile.lua:3: network "n": subnet 127.0.0.0/8 holds loopback addresses
box "debian/bookworm"
network "n" { subnet = "127.0.0.0/8" }
