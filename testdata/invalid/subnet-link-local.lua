-- want: Envfile.lua:3: network "n": subnet 169.254.0.0/16 holds link-local addresses
box "debian/bookworm"
network "n" { subnet = "169.254.0.0/16" }
