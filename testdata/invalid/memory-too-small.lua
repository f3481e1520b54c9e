-- want: Envfile.lua:3: machine "a": memory must be at least 64 MiB, got 16 MiB
box "debian/bookworm"
machine "a" { memory = 16 }
