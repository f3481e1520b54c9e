-- want: Envfile.lua:3: machine "a": ports: guest is missing (like guest = 80)
box "debian/bookworm"
machine "a" { ports = { { host = 8080, auto_correct = true } } }
