-- want: Envfile.lua:3: machine "a": networks: expected table, got string
box "debian/bookworm"
machine "a" { networks = "n" }
