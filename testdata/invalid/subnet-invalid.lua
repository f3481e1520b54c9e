-- want: Envfile.lua:3: network "n": subnet "10.9.0.0/33" is not a CIDR subnet (like "172.20.1.0/24")
box "debian/bookworm"
network "n" { subnet = "10.9.0.0/33" }
