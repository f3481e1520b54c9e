-- want: Envfile.lua:3: machine "a": shell step "shell#1": timeout must be positive, got -5s
box "debian/bookworm"
machine "a" { provision = { shell { inline = "true", timeout = "-5s" } } }
