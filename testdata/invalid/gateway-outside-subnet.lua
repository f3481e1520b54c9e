-- want: Envfile.lua:3: network "n": gateway 10.9.1.1 is outside subnet 10.9.0.0/24
box "debian/bookworm"
network "n" { subnet = "10.9.0.0/24", gateway = "10.9.1.1" }
