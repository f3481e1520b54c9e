-- want: Envfile.lua:3: machine "a": ports: item 1: guest must be 1 to 65535, got 0
box "debian/bookworm"
machine "a" { ports = { { host = 8080, guest = 0, protocol = "udp" } } }
