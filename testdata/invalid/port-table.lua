-- want: Envfile.lua:3: machine "a": ports: item 2: host port 70000 is not a port number (1-65535)
box "debian/bookworm"
machine "a" { ports = { "2222:22", { host = 70000, guest = 80 } } }
