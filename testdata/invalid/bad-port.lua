-- want: Envfile.lua:3: machine "a": ports: "eighty:80": host port "eighty" is not a port number (1 to 65535)
box "debian/bookworm"
machine "a" { ports = { "eighty:80" } }
