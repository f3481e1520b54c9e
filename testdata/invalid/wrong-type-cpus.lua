-- want: Envfile.lua:3: machine "web": cpus: expected number, got string
box "debian/bookworm"
machine "web" { cpus = "two" }
