-- want: Envfile.lua:4: machine "a": unknown network "scznte" (did you mean "scznet"?)
box "debian/bookworm"
network "scznet" { subnet = "10.9.0.0/24" }
machine "a" { networks = { scznte = "10.9.0.5" } }
