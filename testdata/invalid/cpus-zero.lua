-- want: Envfile.lua:3: machine "a": cpus must be at least 1, got 0
box "debian/bookworm"
machine "a" { cpus = 0 }
