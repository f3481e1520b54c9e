-- want: Envfile.lua:3: machine "a": ports: item 2: host must be 1 to 65535, got 70000
box "debian/bookworm"
machine "a" { ports = { "2222:22", { host = 70000, guest = 80 } } }
