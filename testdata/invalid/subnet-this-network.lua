-- want: Envfile.lua:3: network "n": subnet 0.0.0.0/8 holds 0.0.0.0/8 ("this network")
box "debian/bookworm"
network "n" { subnet = "0.0.0.0/8" }
