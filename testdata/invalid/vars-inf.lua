-- want: Envfile.lua:3: machine "web": vars.low is -Inf
box "debian/bookworm"
machine "web" { vars = { low = -1/0 } }
