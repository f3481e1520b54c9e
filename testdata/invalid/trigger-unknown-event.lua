-- want: Envfile.lua:5: trigger "vpn": before: unknown value "boot" (known: up, provision, reload, halt, destroy)
box "debian/bookworm"
network "lan" { subnet = "172.27.9.0/24" }
machine "web" { networks = { lan = "172.27.9.10" } }
trigger "vpn" { before = { "up", "boot" }, run = "./vpn-up.sh" }
