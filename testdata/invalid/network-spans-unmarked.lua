-- want: Envfile.lua:4: network "lan" has machines on several engines (a on the default engine, b on engine "big"): set span = true
box "debian/bookworm"
engine "big" { docker = "ssh://root@127.0.0.1:1" }
network "lan" { subnet = "172.20.1.0/24" }
machine "a" { networks = { lan = "172.20.1.20" } }
machine "b" { engine = "big", networks = { lan = "172.20.1.21" } }
