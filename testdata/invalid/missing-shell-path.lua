-- want: Envfile.lua:3: machine "a": shell step "shell#1": path setup.sh does not exist
box "debian/bookworm"
machine "a" { provision = { shell { path = "setup.sh" } } }
