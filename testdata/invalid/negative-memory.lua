-- want: Envfile.lua:3: machine "a": memory must be a positive number of MiB, got -512
box "debian/bookworm"
machine "a" { memory = -512 }
