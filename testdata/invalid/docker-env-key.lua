-- want: Envfile.lua:3: machine "web": docker.env: variable name "A=B" holds '='
box "debian/bookworm"
machine "web" { docker = { env = { ["A=B"] = "x" } } }
