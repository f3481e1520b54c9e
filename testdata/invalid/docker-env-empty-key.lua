-- want: Envfile.lua:3: machine "web": docker.env: a variable has an empty name
box "debian/bookworm"
machine "web" { docker = { env = { [""] = "x" } } }
