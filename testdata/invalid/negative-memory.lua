-- want: Envfile.lua:3: machine "a": memory must be at least 64 MiB, got -512 MiB
box "debian/bookworm"
machine "a" { memory = -512 }
