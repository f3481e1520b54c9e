-- want: Envfile.lua:3: defaults: networks: each machine has its own addresses: give networks in each machine
box "debian/bookworm"
defaults { networks = { lan = "172.27.9.10" } }
